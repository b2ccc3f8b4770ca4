package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// credentialsAPI issues numbered tokens at /token to client "id" with
// secret "sec-1" and answers /api with the token it was sent; "t-1" is
// refused with 401 (revoked early), as is every token when refuseAll.
type credentialsAPI struct {
	*httptest.Server
	issued    atomic.Int32
	refuseAll atomic.Bool
}

func newCredentialsAPI(t *testing.T) *credentialsAPI {
	a := &credentialsAPI{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.FormValue("client_id") != "id" || r.FormValue("client_secret") != "sec-1" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"bad secret sec-2"}`))
			return
		}
		n := a.issued.Add(1)
		_, _ = w.Write([]byte(`{"access_token":"t-` + strconv.Itoa(int(n)) + `","token_type":"Bearer","expires_in":3600}`))
	})
	mux.HandleFunc("GET /api", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer t-1" || a.refuseAll.Load() {
			http.Error(w, "token refused: "+r.Header.Get("Authorization"), http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(r.Header.Get("Authorization")))
	})
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

func (a *credentialsAPI) config(secret string) *clientcredentials.Config {
	return &clientcredentials.Config{ClientID: "id", ClientSecret: secret, TokenURL: a.URL + "/token"}
}

// TestTokensDo: a refused token is dropped and the request sent once more
// with a fresh one, which is then reused; a second refusal is the answer;
// the secret and tokens never show in errors.
func TestTokensDo(t *testing.T) {
	t.Parallel()
	a := newCredentialsAPI(t)
	c := httpapi.NewClient("svc", a.Client(), nil, nil)
	c.ErrorMessage = func(_ int, _ http.Header, b []byte) string { return string(b) }
	tokens := httpapi.NewTokens(0, c.HTTP)
	get := &httpapi.Request{Method: http.MethodGet, URL: a.URL + "/api"}

	resp, err := tokens.Do(t.Context(), c, a.config("sec-1"), get)
	require.NoError(t, err)
	require.Equal(t, "Bearer t-2", string(resp.Body), "t-1 refused, t-2 fetched")
	resp, err = tokens.Do(t.Context(), c, a.config("sec-1"), get)
	require.NoError(t, err)
	require.Equal(t, "Bearer t-2", string(resp.Body), "t-2 reused")
	require.EqualValues(t, 2, a.issued.Load())
	require.Nil(t, get.Auth, "the caller's request is not changed")

	a.refuseAll.Store(true)
	_, err = tokens.Do(t.Context(), c, a.config("sec-1"), get)
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
	require.Equal(t, http.StatusUnauthorized, httpapi.StatusCode(err))
	require.EqualValues(t, 3, a.issued.Load(), "one retry with a fresh token, no more")
	require.NotContains(t, err.Error(), "t-3")

	_, err = tokens.Do(t.Context(), c, a.config("sec-2"), get)
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
	require.NotContains(t, err.Error(), "sec-2")
}

// TestTokenCheck: every check requests a token, bypassing the cache; a
// refused secret is an auth failure without the secret.
func TestTokenCheck(t *testing.T) {
	t.Parallel()
	a := newCredentialsAPI(t)
	c := httpapi.NewClient("svc", a.Client(), nil, nil)
	require.NoError(t, c.TokenCheck(t.Context(), a.config("sec-1")))
	require.NoError(t, c.TokenCheck(t.Context(), a.config("sec-1")))
	require.EqualValues(t, 2, a.issued.Load())
	err := c.TokenCheck(t.Context(), a.config("sec-2"))
	require.Equal(t, providers.KindAuth, providers.KindOf(err))
	require.NotContains(t, err.Error(), "sec-2")
}
