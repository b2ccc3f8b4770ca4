package httpapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

func TestAccessToken(t *testing.T) {
	t.Parallel()
	tok, err := httpapi.AccessToken("svc", providers.Settings{providers.SettingAccessToken: " t-1 "})
	require.NoError(t, err)
	require.Equal(t, "t-1", tok)
	for _, s := range []providers.Settings{nil, {providers.SettingAccessToken: " "}} {
		_, err = httpapi.AccessToken("svc", s)
		require.Equal(t, providers.KindAuth, providers.KindOf(err))
		require.Contains(t, err.Error(), "svc: no OAuth access token")
	}
}

// TestBearerJSON: the token as a bearer token, the body as JSON, the
// answer decoded; an error answer classified, then revised by Classify,
// without the token.
func TestBearerJSON(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		switch {
		case r.Header.Get("Authorization") != "Bearer tok-1":
			http.Error(w, "bad token tok-2", http.StatusUnauthorized)
		case r.Header.Get("Content-Type") != "application/json" || in["a"] != "b":
			http.Error(w, "bad body", http.StatusBadRequest)
		case r.URL.Path == "/slow":
			http.Error(w, `{"reason":"rateLimitExceeded"}`, http.StatusForbidden)
		default:
			_, _ = w.Write([]byte(`{"id":"x1"}`))
		}
	}))
	defer srv.Close()
	c := httpapi.NewClient("svc", nil, nil, nil)
	defer c.Close()
	c.ErrorMessage = func(_ int, _ http.Header, b []byte) string { return string(b) }
	var out struct{ ID string }
	_, err := c.BearerJSON(t.Context(), http.MethodPost, srv.URL, "tok-1", map[string]string{"a": "b"}, &out)
	require.NoError(t, err)
	require.Equal(t, "x1", out.ID)

	_, err = c.BearerJSON(t.Context(), http.MethodPost, srv.URL, "tok-2", map[string]string{"a": "b"}, &out)
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
	require.NotContains(t, err.Error(), "tok-2")

	_, err = c.BearerJSON(t.Context(), http.MethodPost, srv.URL+"/slow", "tok-1", map[string]string{"a": "b"}, nil)
	require.Equal(t, providers.KindAuth, providers.KindOf(err), "403 without Classify")
	c.Classify = func(code int, _ http.Header, body []byte, e *providers.Error) {
		if code == http.StatusForbidden && json.Valid(body) {
			e.Kind = providers.KindRateLimited
		}
	}
	_, err = c.BearerJSON(t.Context(), http.MethodPost, srv.URL+"/slow", "tok-1", map[string]string{"a": "b"}, nil)
	require.Equal(t, providers.KindRateLimited, providers.KindOf(err))
	require.Equal(t, http.StatusForbidden, httpapi.StatusCode(err))

	_, err = c.BearerJSON(t.Context(), http.MethodPost, srv.URL, "tok-1", func() {}, nil)
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "unencodable input")
}

// TestSessionWith: settings are parsed before the token is looked for, and
// both end up in the session.
func TestSessionWith(t *testing.T) {
	t.Parallel()
	c := httpapi.NewClient("svc", nil, nil, nil)
	parse := func(s providers.Settings) (string, error) {
		if s["k"] == "" {
			return "", errors.New("svc: k is required")
		}
		return s["k"], nil
	}
	hs, st, err := httpapi.SessionWith(c, providers.Settings{"k": "v", providers.SettingAccessToken: "t-1"}, parse)
	require.NoError(t, err)
	require.Equal(t, "v", st)
	require.Equal(t, &httpapi.Session{Client: c, Token: "t-1"}, hs)
	_, _, err = httpapi.SessionWith(c, providers.Settings{}, parse)
	require.EqualError(t, err, "svc: k is required", "invalid settings first")
	_, _, err = httpapi.SessionWith(c, providers.Settings{"k": "v"}, parse)
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
}
