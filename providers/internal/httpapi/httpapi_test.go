package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/retry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStatusError(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		code  int
		after string
		kind  providers.Kind
		class retry.Class
		wait  time.Duration
	}{
		{401, "", providers.KindAuth, retry.ClassClientError, 0},
		{403, "", providers.KindAuth, retry.ClassClientError, 0},
		{429, "30", providers.KindRateLimited, retry.ClassRateLimited, 30 * time.Second},
		{429, now.Add(time.Minute).Format(http.TimeFormat), providers.KindRateLimited, retry.ClassRateLimited, time.Minute},
		{408, "", providers.KindRetryable, retry.ClassTimeout, 0},
		{503, "20", providers.KindRetryable, retry.ClassServerError, 20 * time.Second},
		{500, "", providers.KindRetryable, retry.ClassServerError, 0},
		{400, "", providers.KindInvalidInput, retry.ClassClientError, 0},
		{404, "", providers.KindInvalidInput, retry.ClassClientError, 0},
		{302, "", providers.KindPermanent, retry.ClassPermanent, 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.after != "" {
			h.Set("Retry-After", tt.after)
		}
		err := httpapi.StatusError("svc", tt.code, h, "", now)
		e := providers.AsError(err)
		require.Equal(t, tt.kind, e.Kind, "%d", tt.code)
		require.Equal(t, tt.class, e.RetryClass(), "%d", tt.code)
		require.Equal(t, tt.wait, e.RetryAfter, "%d", tt.code)
		require.Equal(t, tt.code, httpapi.StatusCode(err))
		require.Contains(t, err.Error(), "svc: ")
	}
	require.Zero(t, httpapi.StatusCode(context.Canceled))
}

func TestSecureURL(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]bool{
		"https://api.example.com":      true,
		"https://api.example.com/v1/":  true,
		"http://127.0.0.1:8080":        true,
		"http://localhost:1/x":         true,
		"http://[::1]:1":               true,
		"http://api.example.com":       false,
		"https://user:pw@example.com":  false,
		"api.example.com":              false,
		"ftp://example.com":            false,
		"http://127.0.0.1.example.com": false,
	} {
		require.Equal(t, want, httpapi.SecureURL(u), u)
	}
	u, ok := httpapi.ParseSecureURL(" https://a.example/v1// ")
	require.True(t, ok)
	require.Equal(t, "https://a.example/v1", u.String())
}

// TestClientNeverShowsTheURL: a transport failure names the host, not the
// path or query, which may hold a secret; a build failure neither.
func TestClientNeverShowsTheURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c := httpapi.NewClient("svc", nil, nil, nil)
	defer c.Close()
	_, err := c.Do(t.Context(), &httpapi.Request{Method: http.MethodPost, URL: srv.URL + "/services/T0/B0/s3cr3t?k=v"})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cr3t")
	require.NotContains(t, err.Error(), "k=v")
	require.Equal(t, retry.ClassConnRefused, providers.AsError(err).RetryClass())

	_, err = c.Do(t.Context(), &httpapi.Request{Method: http.MethodGet, URL: "https://a.example/s3cr3t\x7f"})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.NotContains(t, err.Error(), "s3cr3t")
}

func TestClientRedactsAnswers(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "bad key k-123", http.StatusBadRequest)
	}))
	defer srv.Close()
	c := httpapi.NewClient("svc", nil, nil, nil)
	defer c.Close()
	c.ErrorMessage = func(_ int, _ http.Header, b []byte) string { return string(b) }
	_, err := c.Do(t.Context(), &httpapi.Request{Method: http.MethodGet, URL: srv.URL, Secrets: []string{"k-123"}})
	require.EqualError(t, err, "providers: invalid_input: svc: 400 bad key [redacted]")
}

// TestTokens: one source per credentials, reused; dropped on refusal; the
// oldest evicted beyond the size.
func TestTokens(t *testing.T) {
	t.Parallel()
	var issued int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		issued++
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	tokens := httpapi.NewTokens(2, srv.Client())
	cc := func(id string) *clientcredentials.Config {
		return &clientcredentials.Config{ClientID: id, ClientSecret: "s", TokenURL: srv.URL}
	}
	k1, ts1 := tokens.Source(cc("a"))
	for range 3 {
		_, ts := tokens.Source(cc("a"))
		_, err := httpapi.Token(t.Context(), ts)
		require.NoError(t, err)
	}
	require.Equal(t, 1, issued)
	tokens.Drop(k1, ts1)
	_, ts := tokens.Source(cc("a"))
	_, err := httpapi.Token(t.Context(), ts)
	require.NoError(t, err)
	require.Equal(t, 2, issued, "a dropped source fetches anew")
	tokens.Source(cc("b"))
	tokens.Source(cc("c")) // evicts a
	_, ts = tokens.Source(cc("a"))
	_, err = httpapi.Token(t.Context(), ts)
	require.NoError(t, err)
	require.Equal(t, 3, issued)
}

// TestConfigClient: a nil Config means a client of the provider's own;
// a Config's fields are the client's.
func TestConfigClient(t *testing.T) {
	t.Parallel()
	var none *httpapi.Config
	c := none.Client("svc")
	defer c.Close()
	require.Equal(t, "svc", c.Name)
	require.Equal(t, httpapi.DefaultTimeout, c.HTTP.Timeout)
	hc := &http.Client{}
	logger := slog.New(slog.DiscardHandler)
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	c = (&httpapi.Config{HTTPClient: hc, Logger: logger, Now: func() time.Time { return at }}).Client("svc")
	require.Same(t, hc, c.HTTP)
	require.Same(t, logger, c.Logger)
	require.Equal(t, at, c.Now())
}
