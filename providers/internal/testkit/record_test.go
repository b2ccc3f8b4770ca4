package testkit_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/internal/testkit"
)

// TestRecorder: each request is recorded as it arrived, with its answer's
// status, and the handler still reads the body; Forget keeps nothing.
func TestRecorder(t *testing.T) {
	t.Parallel()
	var rc testkit.Recorder
	var seen string
	srv := httptest.NewServer(rc.Record(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = string(b)
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
		}
	})))
	defer srv.Close()
	send := func(method, path, body string) {
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer t-1")
		req.Header.Set("Prefer", "x")
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}
	send(http.MethodPost, "/items?a=1&b=x%20y", `{"name":"n"}`)
	require.Equal(t, `{"name":"n"}`, seen, "the body stays readable")
	send(http.MethodGet, "/missing", "")
	require.Equal(t, 2, rc.Count())
	first := rc.Requests()[0]
	require.Equal(t, "POST", first.Method)
	require.Equal(t, "/items", first.Path)
	require.Equal(t, "x y", first.Query.Get("b"))
	require.Equal(t, "a=1&b=x%20y", first.RawQuery)
	require.Equal(t, "Bearer t-1", first.Auth)
	require.Equal(t, "x", first.Header.Get("Prefer"))
	require.Equal(t, map[string]any{"name": "n"}, first.Body)
	require.Equal(t, http.StatusOK, first.Status)
	last := rc.Last()
	require.Equal(t, http.StatusNotFound, last.Status)
	require.Nil(t, last.Body)

	rc.Forget = true
	send(http.MethodGet, "/items", "")
	require.Equal(t, 2, rc.Count())
}
