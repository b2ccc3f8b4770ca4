package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/storage"
)

// TestOtherOrganizationIsNotFound: every call by ID of another
// organization's webhook, delivery, dead letter and OAuth integration is a
// 404, exactly like an ID that does not exist, and lists are empty.
func TestOtherOrganizationIsNotFound(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		w := e.failingWebhook(t, "Ours")
		e.rcv.SetDefault(webhookFail(500))
		e.publish(t, `{"x":1}`)
		waitFor(t, "a dead letter", func() bool { return e.dlqLen(t) == 1 })
		dl, err := e.d.DLQList(e.ctx, &storage.DLQListParams{OrganizationID: e.org})
		require.NoError(t, err)
		entry := dl.Items[0]
		oi := e.oauthIntegration(t)
		in := e.smtpIntegration(t, "Ours", smtpServer(t))
		r := e.call(t, "POST", "/api/api-access/tokens", map[string]any{"name": "Ours"})
		require.Equal(t, http.StatusCreated, r.status)
		var tok admin.APITokenCreated
		r.decode(t, &tok)

		other := []string{orgHeader, uuid.NewString()}
		ids := map[string]string{"webhook": w.ID.String(), "delivery": entry.DeliveryID.String(), "dlq": entry.ID.String(), "oauth": oi.ID.String(),
			"integration": in.ID.String(), "token": tok.Token.ID.String()}
		calls := []struct{ method, path string }{
			{"GET", "/api/webhooks/{webhook}"}, {"PATCH", "/api/webhooks/{webhook}"}, {"DELETE", "/api/webhooks/{webhook}"},
			{"POST", "/api/webhooks/{webhook}/enable"}, {"POST", "/api/webhooks/{webhook}/disable"},
			{"POST", "/api/webhooks/{webhook}/secret/regenerate"}, {"POST", "/api/webhooks/{webhook}/secret/revoke"},
			{"POST", "/api/webhooks/{webhook}/secret/reveal"}, {"POST", "/api/webhooks/{webhook}/test"},
			{"GET", "/api/webhooks/{webhook}/retry"}, {"PUT", "/api/webhooks/{webhook}/retry"}, {"DELETE", "/api/webhooks/{webhook}/retry"},
			{"GET", "/api/deliveries/{delivery}"}, {"POST", "/api/deliveries/{delivery}/replay"},
			{"POST", "/api/dlq/{dlq}/retry"}, {"DELETE", "/api/dlq/{dlq}"},
			{"GET", "/api/oauth/integrations/{oauth}"}, {"PUT", "/api/oauth/integrations/{oauth}"}, {"DELETE", "/api/oauth/integrations/{oauth}"},
			{"POST", "/api/oauth/integrations/{oauth}/connect"}, {"POST", "/api/oauth/integrations/{oauth}/disconnect"},
			{"POST", "/api/oauth/integrations/{oauth}/secret/reveal"},
			{"GET", "/webhooks/{webhook}"}, {"GET", "/deliveries/{delivery}"}, {"GET", "/oauth/{oauth}"},
			{"GET", "/api/integrations/{integration}"}, {"PATCH", "/api/integrations/{integration}"}, {"DELETE", "/api/integrations/{integration}"},
			{"POST", "/api/integrations/{integration}/enable"}, {"POST", "/api/integrations/{integration}/disable"},
			{"POST", "/api/integrations/{integration}/test"}, {"POST", "/api/integrations/{integration}/reconnect"},
			{"GET", "/api/integrations/{integration}/health"}, {"POST", "/api/integrations/{integration}/secret/reveal"},
			{"GET", "/api/integrations/{integration}/backup"}, {"PUT", "/api/integrations/{integration}/backup"},
			{"PUT", "/api/integrations/{integration}/retry"}, {"DELETE", "/api/integrations/{integration}/retry"},
			{"POST", "/api/integrations/{integration}/troubleshoot"}, {"POST", "/api/integrations/{integration}/switch-backup"},
			{"POST", "/api/integrations/{integration}/credentials/rotate"},
			{"GET", "/api/api-access/tokens/{token}"}, {"POST", "/api/api-access/tokens/{token}/rotate"},
			{"POST", "/api/api-access/tokens/{token}/revoke"}, {"PUT", "/api/api-access/tokens/{token}/limits"},
			{"GET", "/api/api-access/usage?token={token}"}, {"GET", "/api/logs?integration={integration}"},
			{"GET", "/integrations/{integration}"}, {"GET", "/integrations/{integration}/health"}, {"GET", "/logs?integration={integration}"},
		}
		bodies := map[string]any{"PATCH": map[string]any{"webhookName": "Theirs"}, "PUT": map[string]any{"maxRetries": 2, "retryStrategy": "linear", "maxDelay": 20},
			"POST": map[string]any{}}
		for _, c := range calls {
			path := c.path
			for k, v := range ids {
				path = strings.ReplaceAll(path, "{"+k+"}", v)
			}
			body := bodies[c.method]
			switch {
			case strings.Contains(c.path, "/oauth/integrations/{oauth}") && c.method == "PUT":
				body = map[string]any{"oauthProvider": "custom", "clientId": "x", "scopes": []string{"openid"}, "issuerUrl": e.op.URL}
			case strings.HasSuffix(c.path, "/retry") && c.method == "PUT":
				body = map[string]any{"maxRetries": 2, "retryStrategy": "linear", "maxDelay": 20}
			case strings.HasSuffix(c.path, "/backup") && c.method == "PUT":
				body = map[string]any{}
			case strings.HasSuffix(c.path, "/limits"):
				body = map[string]any{"perMinute": 5, "perHour": 50}
			case strings.Contains(c.path, "{integration}") && c.method == "PATCH":
				body = map[string]any{"integrationName": "Theirs"}
			case strings.HasSuffix(c.path, "/secret/reveal") && strings.Contains(c.path, "{integration}"):
				body = map[string]any{"field": "smtpPassword"}
			case strings.HasSuffix(c.path, "/credentials/rotate"):
				body = map[string]any{"field": "smtpPassword", "value": "x"}
			}
			r := e.call(t, c.method, path, body, other...)
			require.Equal(t, http.StatusNotFound, r.status, "%s %s: %s", c.method, c.path, r.body)
			if strings.HasPrefix(c.path, "/api/") {
				require.Equal(t, admin.CodeNotFound, r.apiError(t).Code)
			}
		}
		for _, list := range []string{"/api/webhooks", "/api/deliveries", "/api/dlq"} {
			r := e.call(t, "GET", list, nil, other...)
			require.Equal(t, http.StatusOK, r.status)
			require.JSONEq(t, `{"items":[]}`, string(r.body), list)
		}
		r = e.call(t, "GET", "/api/oauth/integrations", nil, other...)
		require.JSONEq(t, `[]`, string(r.body))
		for _, list := range []string{"/api/integrations", "/api/api-access/tokens"} {
			r = e.call(t, "GET", list, nil, other...)
			require.JSONEq(t, `[]`, string(r.body), list)
		}
		r = e.call(t, "GET", "/api/logs", nil, other...)
		require.JSONEq(t, `{"items":[]}`, string(r.body))
		r = e.call(t, "GET", "/api/integrations/"+in.ID.String(), nil)
		require.Contains(t, string(r.body), `"name":"Ours"`, "ours is untouched")
		require.Contains(t, string(r.body), `"status":"active"`)
		require.Equal(t, http.StatusOK, e.apiGet(t, tok.Secret, "/v1/jobs"), "our token still works")

		// Bulk calls of the other organization touch nothing of ours.
		r = e.call(t, "POST", "/api/dlq/clear", map[string]any{}, other...)
		require.JSONEq(t, `{"count":0}`, string(r.body))
		require.Equal(t, 1, e.dlqLen(t))
		r = e.call(t, "GET", "/api/webhooks/"+w.ID.String(), nil)
		require.Equal(t, http.StatusOK, r.status, "ours is untouched")
		require.Contains(t, string(r.body), `"name":"Ours"`)
	})
}

// TestChangesRefusedFromOtherSites: a cross-site POST, a POST from
// another origin, and a POST without (or with a wrong) CSRF token are
// refused with 403 and change nothing; without a principal, 401.
func TestChangesRefusedFromOtherSites(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		create := map[string]any{"webhookName": "Evil", "webhookUrl": e.rcv.URL + "/x", "events": []string{"job.created"}}
		cases := []struct {
			name string
			hdr  []string
		}{
			{"cross-site fetch", []string{"Sec-Fetch-Site", "cross-site"}},
			{"same-site other origin", []string{"Sec-Fetch-Site", "same-site"}},
			{"foreign Origin without Sec-Fetch-Site", []string{"Sec-Fetch-Site", "", "Origin", "https://evil.example"}},
			{"no CSRF token", []string{"X-CSRF-Token", ""}},
			{"another principal's token", []string{"X-CSRF-Token", "bm90LXRoZS10b2tlbg"}},
		}
		for _, c := range cases {
			r := e.call(t, "POST", "/api/webhooks", create, c.hdr...)
			require.Equal(t, http.StatusForbidden, r.status, c.name)
			require.Equal(t, admin.CodeForbidden, r.apiError(t).Code, c.name)
		}
		// A form posted from another site to a page.
		form := url.Values{"webhookName": {"Evil"}, "webhookUrl": {e.rcv.URL + "/x"}, "events": {"job.created"}, "_csrf": {e.csrf(t)}}
		req, err := http.NewRequest("POST", e.host.URL+"/admin/webhooks", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode)

		r := e.call(t, "GET", "/api/webhooks", nil)
		require.JSONEq(t, `{"items":[]}`, string(r.body), "nothing was created")

		r = e.call(t, "GET", "/api/webhooks", nil, anonHeader, "1")
		require.Equal(t, http.StatusUnauthorized, r.status)
		require.Equal(t, admin.CodeUnauthorized, r.apiError(t).Code)
		r = e.call(t, "GET", "/webhooks", nil, anonHeader, "1")
		require.Equal(t, http.StatusUnauthorized, r.status)
		require.NotContains(t, string(r.body), "csrf-token\" content=\"b", "no token for nobody")

		// The same form, same-origin with the token, is accepted.
		req, err = http.NewRequest("POST", e.host.URL+"/admin/webhooks", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	})
}

// TestSecurityHeaders: every answer carries the strict policy and is not
// cached; static files are the only cacheable ones.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0])
	for _, p := range []string{"/", "/api/webhooks", "/nope", "/api/nope"} {
		r := e.call(t, "GET", p, nil)
		csp := r.header.Get("Content-Security-Policy")
		require.Contains(t, csp, "default-src 'none'", p)
		require.Contains(t, csp, "script-src 'self'", p)
		require.NotContains(t, csp, "unsafe-inline", p)
		require.Contains(t, csp, "frame-ancestors 'none'", p)
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"), p)
		require.Equal(t, "no-store", r.header.Get("Cache-Control"), p)
	}
	r := e.call(t, "GET", "/", nil)
	require.NotContains(t, string(r.body), "<script>", "no inline script")
	require.NotContains(t, string(r.body), " style=", "no inline style")
	require.NotContains(t, string(r.body), "onclick", "no inline handlers")
}
