package adp

import (
	"context"
	"net/http"
	"slices"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// session is what one set of credentials keeps between calls: the mutual
// TLS transport and the one token source that all its calls share.
type session struct {
	transport *http.Transport
	// http sends requests over mutual TLS, without a token.
	http *http.Client
	// tokens returns the cached token until it expires.
	tokens oauth2.TokenSource
	// oauth is the grant's configuration, for Check's uncached token.
	oauth *clientcredentials.Config
}

// newSession builds the transport and the token source of st.
func (p *Provider) newSession(st *settings) *session {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = st.tlsConfig()
	hc := &http.Client{Transport: tr, Timeout: p.cfg.Timeout}
	cc := &clientcredentials.Config{ClientID: st.clientID, ClientSecret: st.clientSecret, TokenURL: st.tokenURL,
		AuthStyle: oauth2.AuthStyleInHeader}
	// The token source keeps this context for every token request: it
	// carries the mutual TLS client (x/oauth2 takes its HTTP client from a
	// context value) and is never canceled; Config.Timeout bounds each
	// request. clientcredentials already returns a reusing source;
	// ReuseTokenSource states the contract (it returns such a source
	// unchanged).
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	ts := oauth2.ReuseTokenSource(nil, cc.TokenSource(ctx))
	p.cfg.Logger.Debug("adp: new token source", "clientId", st.clientID, "tokenUrl", st.tokenURL)
	return &session{transport: tr, http: hc, tokens: ts, oauth: cc}
}

// token returns the current token, fetching one if needed. The caller's
// ctx bounds the wait; a fetch it abandons completes in the background
// (within Config.Timeout) and fills the cache.
func (s *session) token(ctx context.Context) (*oauth2.Token, error) {
	type result struct {
		tok *oauth2.Token
		err error
	}
	ch := make(chan result, 1)
	go func() {
		tok, err := s.tokens.Token()
		ch <- result{tok, err}
	}()
	select {
	case r := <-ch:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// sessions is a small LRU cache of sessions keyed by credentials.
type sessions struct {
	max   int
	mu    sync.Mutex
	byKey map[[32]byte]*session
	order [][32]byte // least recently used first
}

func newSessions(max int) *sessions {
	return &sessions{max: max, byKey: map[[32]byte]*session{}}
}

// get returns the session of key, creating it with create.
func (c *sessions) get(key [32]byte, create func() *session) *session {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.Index(c.order, key); i >= 0 {
		c.order = append(slices.Delete(c.order, i, i+1), key)
		return c.byKey[key]
	}
	s := create()
	c.byKey[key] = s
	c.order = append(c.order, key)
	if len(c.order) > c.max {
		old := c.order[0]
		c.order = c.order[1:]
		c.byKey[old].transport.CloseIdleConnections()
		delete(c.byKey, old)
	}
	return s
}

// drop removes s, if it is still key's session: its token was refused.
func (c *sessions) drop(key [32]byte, s *session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey[key] != s {
		return
	}
	delete(c.byKey, key)
	c.order = slices.DeleteFunc(c.order, func(k [32]byte) bool { return k == key })
	s.transport.CloseIdleConnections()
}

// clear drops every session.
func (c *sessions) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.byKey {
		s.transport.CloseIdleConnections()
	}
	c.byKey, c.order = map[[32]byte]*session{}, nil
}
