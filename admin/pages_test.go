package admin_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// postForm posts a page form as a browser without JavaScript does.
func (e *env) postForm(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	form.Set("_csrf", e.csrf(t))
	req, err := http.NewRequest("POST", e.host.URL+"/admin"+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConfirmWithoutJavaScript: a destructive form posted without the
// confirmation shows a page that asks, and changes nothing; confirmed, it
// acts.
func TestConfirmWithoutJavaScript(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		e.failingWebhook(t, "Clearable")
		e.rcv.SetDefault(webhookFail(500))
		e.publish(t, `{"n":1}`)
		waitFor(t, "a dead letter", func() bool { return e.dlqLen(t) == 1 })

		status, body := e.postForm(t, "/dlq/clear", url.Values{})
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, "Please confirm")
		require.Contains(t, body, `name="confirm" value="yes"`)
		require.Equal(t, 1, e.dlqLen(t), "nothing cleared yet")

		status, _ = e.postForm(t, "/dlq/clear", url.Values{"confirm": {"yes"}})
		require.Equal(t, http.StatusSeeOther, status)
		require.Zero(t, e.dlqLen(t))
	})
}

// postCrossSite posts a page form, token included, from another site.
func (e *env) postCrossSite(t *testing.T, path string) (int, string) {
	t.Helper()
	form := url.Values{"_csrf": {e.csrf(t)}, "confirm": {"yes"}, "name": {"Evil"}}
	req, err := http.NewRequest("POST", e.host.URL+"/admin"+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
