package oidc_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	exstorage "github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	zop "github.com/zitadel/oidc/v3/pkg/op"
)

// The OP's clients and the user the tests sign in as (zitadel's example
// user store).
const (
	clientID      = "intime-sso"
	clientSecret  = "sso-secret-4b7c9d2e-0a1f-4c3b-9e8d-7f6a5b4c3d2e"
	otherClientID = "other-app"
	userSubject   = "id2"
	userName      = "test-user2"
	userPassword  = "verysecure"
	userEmail     = "test-user2@zitadel.ch"
)

// userGroups are the groups the OP asserts for every user.
var userGroups = []string{"Recruiters", "Staff"}

// idp is zitadel/oidc's example OpenID Provider in process: discovery,
// JWKS, authorization code with PKCE, userinfo, end_session. Its storage
// signs with keys the test can rotate and mint tokens with; a hook in
// front of it counts requests and can answer in its place.
type idp struct {
	srv     *httptest.Server
	issuer  string
	storage *opStorage
	h       http.Handler // the OP itself, behind the hook
	// hook, if set, sees every request first and answers it if it returns
	// true.
	hook atomic.Pointer[func(w http.ResponseWriter, r *http.Request) bool]

	mu       sync.Mutex
	requests map[string]int // by path, prefix removed
}

// opOpts vary an OP; the zero value is an http issuer on a loopback
// address, without a path.
type opOpts struct {
	// tls serves https with this certificate; issuer is then used as is.
	tls *testCert
	// issuer overrides the issuer (with tls): "https://dev-1.okta.com/oauth2/default".
	issuer string
	// fullIDToken puts the profile and email claims in the ID token, as
	// Okta and Auth0 do, instead of userinfo only (the example's default).
	fullIDToken bool
	// redirectURIs are the web client's registered redirect URIs.
	redirectURIs []string
}

func newIDP(t testing.TB, o opOpts) *idp {
	t.Helper()
	p := &idp{requests: map[string]int{}}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	if o.tls != nil {
		p.srv.TLS = o.tls.serverConfig()
		p.srv.StartTLS()
		p.issuer = o.issuer
	} else {
		p.srv.Start()
		p.issuer = p.srv.URL
	}
	t.Cleanup(p.srv.Close)
	inner := exstorage.NewStorageWithClients(exstorage.NewUserStore(p.issuer), map[string]*exstorage.Client{
		clientID:      exstorage.WebClient(clientID, clientSecret, o.redirectURIs...),
		otherClientID: exstorage.WebClient(otherClientID, "other-secret", o.redirectURIs...),
	})
	p.storage = &opStorage{Storage: inner, fullIDToken: o.fullIDToken, postLogout: o.redirectURIs}
	p.storage.rotate(false)
	router := exampleop.SetupServer(p.issuer, p.storage, nil, false)
	prefix := strings.TrimSuffix(mustURL(t, p.issuer).Path, "/")
	p.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if prefix != "" && strings.HasPrefix(r.URL.Path, prefix+"/") {
			r.URL.Path = strings.TrimPrefix(r.URL.Path, prefix)
		}
		router.ServeHTTP(w, r)
	})
	return p
}

func (p *idp) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.requests[r.URL.Path]++
	p.mu.Unlock()
	if hook := p.hook.Load(); hook != nil && (*hook)(w, r) {
		return
	}
	p.h.ServeHTTP(w, r)
}

// count returns how many requests reached a path ending in suffix.
func (p *idp) count(suffix string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for path, c := range p.requests {
		if strings.HasSuffix(path, suffix) {
			n += c
		}
	}
	return n
}

// setHook installs fn in front of the OP (nil removes it).
func (p *idp) setHook(fn func(w http.ResponseWriter, r *http.Request) bool) {
	if fn == nil {
		p.hook.Store(nil)
		return
	}
	p.hook.Store(&fn)
}

// answer returns a hook answering requests to paths ending in suffix with
// status, headers and body.
func answer(suffix string, status int, body string, header ...string) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, suffix) {
			return false
		}
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

// rewriteIDToken returns a hook that lets the OP answer the token request
// and replaces the ID token in its answer with edit's result.
func (p *idp) rewriteIDToken(t *testing.T, edit func(claims map[string]any) string) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/oauth/token") {
			return false
		}
		rec := newRecorder()
		p.h.ServeHTTP(rec, r)
		body := rec.json()
		if raw, ok := body["id_token"].(string); ok {
			var claims map[string]any
			tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
			if err == nil {
				err = tok.UnsafeClaimsWithoutVerification(&claims)
			}
			if err != nil {
				t.Errorf("the OP's ID token: %v", err)
			} else {
				body["id_token"] = edit(claims)
			}
		}
		writeJSON(w, rec.Code, body)
		return true
	}
}

// editDiscovery returns a hook that passes the OP's discovery document
// through edit.
func (p *idp) editDiscovery(edit func(doc map[string]any)) func(http.ResponseWriter, *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
			return false
		}
		rec := newRecorder()
		p.h.ServeHTTP(rec, r)
		doc := rec.json()
		edit(doc)
		writeJSON(w, rec.Code, doc)
		return true
	}
}

// recorder records the OP's answer for a hook to rewrite.
type recorder struct{ *httptest.ResponseRecorder }

func newRecorder() recorder { return recorder{httptest.NewRecorder()} }

// json decodes the answer's JSON object (nil if it is not one).
func (r recorder) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body.Bytes(), &m)
	return m
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// claims are a valid ID token's claims for the client, for nonce.
func (p *idp) claims(nonce string) map[string]any {
	now := time.Now()
	return map[string]any{"iss": p.issuer, "sub": userSubject, "aud": []string{clientID}, "nonce": nonce,
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "email": userEmail, "email_verified": true,
		"name": "Test User2", "given_name": "Test", "family_name": "User2", "preferred_username": userName,
		"groups": userGroups}
}

// mint signs claims with the OP's current key: a token the OP could have
// issued.
func (p *idp) mint(t testing.TB, claims map[string]any) string {
	key, kid := p.storage.current()
	return sign(t, claims, jose.RS256, key, kid)
}

// sign signs claims with key under kid.
func sign(t testing.TB, claims map[string]any, alg jose.SignatureAlgorithm, key any, kid string) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader(jose.HeaderKey("kid"), kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	require.NoError(t, err)
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	require.NoError(t, err)
	return raw
}

// opStorage is the example storage with rotating signing keys, groups in
// the user's claims, and optionally the profile in the ID token.
type opStorage struct {
	*exstorage.Storage
	fullIDToken bool
	postLogout  []string

	mu   sync.Mutex
	keys []*opKey // the current key first
}

type opKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *opKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *opKey) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (k *opKey) Key() any                                    { return k.key }
func (k *opKey) ID() string                                  { return k.id }
func (k *opKey) Use() string                                 { return "sig" }

type opPublicKey struct{ *opKey }

func (k opPublicKey) Key() any { return &k.key.PublicKey }

// rotate makes a new signing key current; the old ones stay published
// unless drop is set.
func (s *opStorage) rotate(drop bool) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if drop {
		s.keys = nil
	}
	s.keys = append([]*opKey{{id: uuid.NewString(), key: key}}, s.keys...)
}

// current returns the signing key and its ID.
func (s *opStorage) current() (*rsa.PrivateKey, string) { return s.keyAt(0) }

// keyAt returns the i-th published key, the current one first.
func (s *opStorage) keyAt(i int) (*rsa.PrivateKey, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[i].key, s.keys[i].id
}

func (s *opStorage) SigningKey(context.Context) (zop.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[0], nil
}

func (s *opStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *opStorage) KeySet(context.Context) ([]zop.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]zop.Key, len(s.keys))
	for i, k := range s.keys {
		out[i] = opPublicKey{k}
	}
	return out, nil
}

func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (zop.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return opClient{Client: c, full: s.fullIDToken, postLogout: s.postLogout}, nil
}

func (s *opStorage) SetUserinfoFromRequest(ctx context.Context, ui *zoidc.UserInfo, r zop.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, r, scopes); err != nil {
		return err
	}
	ui.AppendClaims("groups", userGroups)
	return nil
}

func (s *opStorage) SetUserinfoFromToken(ctx context.Context, ui *zoidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, ui, tokenID, subject, origin); err != nil {
		return err
	}
	ui.AppendClaims("groups", userGroups)
	return nil
}

// opClient is a registered client with the ID token's claims and the
// post-logout redirect URIs the test chooses.
type opClient struct {
	zop.Client
	full       bool
	postLogout []string
}

func (c opClient) IDTokenUserinfoClaimsAssertion() bool { return c.full }
func (c opClient) PostLogoutRedirectURIs() []string     { return c.postLogout }

// login follows the authorization URL with browser b to the OP's login
// form, submits the user's credentials, and returns the callback URL the
// OP redirects to (not followed).
func login(t *testing.T, b *http.Client, authURL, redirectURI string) *url.URL {
	t.Helper()
	var callback *url.URL
	c := *b
	c.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURI) {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := c.Get(authURL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "login page")
	id := resp.Request.URL.Query().Get("authRequestID")
	require.NotEmpty(t, id, "the OP showed its login form")
	form := url.Values{"id": {id}, "username": {userName}, "password": {userPassword}}
	resp, err = c.PostForm(resp.Request.URL.Scheme+"://"+resp.Request.URL.Host+"/login/username", form)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.NotNil(t, callback, "the OP redirected to the callback")
	return callback
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
