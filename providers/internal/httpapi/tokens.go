package httpapi

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/intimeos/integrations/providers"
)

// DefaultMaxTokenSources is how many sets of client credentials a
// [Tokens] keeps a token source for.
const DefaultMaxTokenSources = 64

// Tokens keeps one reusing OAuth 2.0 client credentials token source per
// set of credentials, least recently used dropped beyond its size, so that
// every call within a token's lifetime shares one token request. The
// secrets are not kept as keys: a key is a SHA-256 of the credentials.
type Tokens struct {
	max  int
	hc   *http.Client
	mu   sync.Mutex
	m    map[[32]byte]oauth2.TokenSource
	used [][32]byte // least recently used first
}

// NewTokens returns a cache of max sources (0 means
// [DefaultMaxTokenSources]) whose token requests go through hc.
func NewTokens(max int, hc *http.Client) *Tokens {
	if max <= 0 {
		max = DefaultMaxTokenSources
	}
	return &Tokens{max: max, hc: hc, m: map[[32]byte]oauth2.TokenSource{}}
}

// Key identifies a set of credentials and endpoints.
func Key(parts ...string) [32]byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// Source returns the token source of cc, creating it on first use. The
// source's token requests are never canceled by a caller (the source is
// shared); the HTTP client's timeout bounds them.
func (t *Tokens) Source(cc *clientcredentials.Config) ([32]byte, oauth2.TokenSource) {
	key := Key(cc.ClientID, cc.ClientSecret, cc.TokenURL, strings.Join(cc.Scopes, " "))
	t.mu.Lock()
	defer t.mu.Unlock()
	if i := slices.Index(t.used, key); i >= 0 {
		t.used = append(slices.Delete(t.used, i, i+1), key)
		return key, t.m[key]
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, t.hc)
	ts := oauth2.ReuseTokenSource(nil, cc.TokenSource(ctx))
	t.m[key] = ts
	t.used = append(t.used, key)
	if len(t.used) > t.max {
		delete(t.m, t.used[0])
		t.used = t.used[1:]
	}
	return key, ts
}

// Drop forgets key's source if it is still ts: its token was refused.
func (t *Tokens) Drop(key [32]byte, ts oauth2.TokenSource) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m[key] != ts {
		return
	}
	delete(t.m, key)
	t.used = slices.DeleteFunc(t.used, func(k [32]byte) bool { return k == key })
}

// Clear forgets every source.
func (t *Tokens) Clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.m)
	t.used = nil
}

// Token returns ts's token; ctx bounds the wait, and a fetch it abandons
// completes in the background and fills the cache.
func Token(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	type result struct {
		tok *oauth2.Token
		err error
	}
	ch := make(chan result, 1)
	go func() {
		tok, err := ts.Token()
		ch <- result{tok, err}
	}()
	select {
	case r := <-ch:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Do sends r through c with a bearer token of cc from its cached source,
// keeping cc's secret and the token out of messages besides r.Secrets. An
// answer of 401 drops that token and r is sent once more with a fresh one
// (a token revoked or expired early). A failed token request is classified
// by [TokenError].
func (t *Tokens) Do(ctx context.Context, c *Client, cc *clientcredentials.Config, r *Request) (*Response, error) {
	for attempt := 1; ; attempt++ {
		key, ts := t.Source(cc)
		tok, err := Token(ctx, ts)
		if err != nil {
			return nil, TokenError(c.Name, err, c.Now(), cc.ClientSecret)
		}
		rt := *r
		rt.Secrets = append([]string{cc.ClientSecret, tok.AccessToken}, r.Secrets...)
		rt.Auth = tok.SetAuthHeader
		resp, err := c.Do(ctx, &rt)
		if attempt == 1 && StatusCode(err) == http.StatusUnauthorized {
			c.Logger.DebugContext(ctx, c.Name+": token refused, fetching a new one", "clientId", cc.ClientID)
			t.Drop(key, ts)
			continue
		}
		return resp, err
	}
}

// TokenCheck requests a token of cc through c, bypassing every cache so
// that a revoked secret shows at once: the authentication stage of a
// client credentials provider's connection test. Its error is classified
// by [TokenError].
func (c *Client) TokenCheck(ctx context.Context, cc *clientcredentials.Config) error {
	if _, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, c.HTTP)); err != nil {
		return TokenError(c.Name, err, c.Now(), cc.ClientSecret)
	}
	return nil
}

// TokenError classifies a failed token request: the endpoint's refusals
// (400 invalid_client, 401) are auth failures, 429 and 5xx as
// [StatusError], transport failures keep their class. Secrets are removed.
func TokenError(name string, err error, now time.Time, secrets ...string) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return fmt.Errorf("%s: token request: %w", name, unwrapURL(err))
	}
	code := re.Response.StatusCode
	msg := "token request refused"
	if re.ErrorCode != "" {
		msg += ": " + strings.TrimSpace(re.ErrorCode+" "+re.ErrorDescription)
	}
	msg = Redact(msg, secrets...)
	if code == http.StatusTooManyRequests || code >= 500 {
		return StatusError(name, code, re.Response.Header, msg, now)
	}
	return providers.AuthFailed(fmt.Errorf("%s: %d %s", name, code, Truncate(msg)))
}

// unwrapURL drops the *url.Error layer, which names the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
