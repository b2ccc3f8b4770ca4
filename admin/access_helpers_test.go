package admin_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// apiGet calls the host's API behind the API access middleware with a
// token and returns the status.
func (e *env) apiGet(t *testing.T, token, path string) int {
	t.Helper()
	req, err := http.NewRequest("GET", e.host.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}
