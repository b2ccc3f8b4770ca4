package oidc

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// keySet is an issuer's JSON Web Key Set (RFC 7517), cached. It is fetched
// on first use and when older than its TTL, and again when a token names a
// key it does not hold (the issuer rotated its keys: OpenID Connect Core
// §10.1.1), but at most once per refetchMin, so that forged tokens with
// made-up key IDs cannot turn into a flood of requests to the issuer.
type keySet struct {
	c               *httpapi.Client
	url             string
	ttl, refetchMin time.Duration
	gate            gate

	mu      sync.Mutex
	keys    []jose.JSONWebKey
	fetched time.Time
}

func newKeySet(c *httpapi.Client, url string, ttl, refetchMin time.Duration) *keySet {
	return &keySet{c: c, url: url, ttl: ttl, refetchMin: refetchMin, gate: newGate()}
}

// current returns the cached keys, fetching them if there are none yet or
// they are older than the TTL.
func (k *keySet) current(ctx context.Context) ([]jose.JSONWebKey, error) {
	keys, _, err := k.fetchIf(ctx, func(fetched time.Time) bool {
		return fetched.IsZero() || k.c.Now().Sub(fetched) >= k.ttl
	})
	return keys, err
}

// refresh fetches the keys again unless they were fetched less than
// refetchMin ago; it reports whether it did.
func (k *keySet) refresh(ctx context.Context) ([]jose.JSONWebKey, bool, error) {
	return k.fetchIf(ctx, func(fetched time.Time) bool { return k.c.Now().Sub(fetched) >= k.refetchMin })
}

// fetchIf fetches the keys if stale says so of the last fetch's time,
// checked once no other fetch is running.
func (k *keySet) fetchIf(ctx context.Context, stale func(fetched time.Time) bool) ([]jose.JSONWebKey, bool, error) {
	if err := k.gate.lock(ctx); err != nil {
		return nil, false, err
	}
	defer k.gate.unlock()
	k.mu.Lock()
	keys, fetched := k.keys, k.fetched
	k.mu.Unlock()
	if !stale(fetched) {
		return keys, false, nil
	}
	keys, err := k.fetch(ctx)
	if err != nil {
		return nil, false, err
	}
	k.mu.Lock()
	k.keys, k.fetched = keys, k.c.Now()
	k.mu.Unlock()
	return keys, true, nil
}

// fetch reads the key set: the public signing keys it holds, skipping
// encryption keys, symmetric keys and keys of types not understood (RFC
// 7517 §5: a set's unusable keys are ignored, not fatal).
func (k *keySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	resp, err := k.c.Do(ctx, &httpapi.Request{Method: http.MethodGet, URL: k.url,
		Header: http.Header{"Accept": {"application/jwk-set+json, application/json"}}})
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := httpapi.DecodeBody(Name, "JWKS", resp.Body, &set); err != nil {
		return nil, err
	}
	return parseKeys(set.Keys), nil
}

// parseKeys returns the usable public signing keys of raw.
func parseKeys(raw []json.RawMessage) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, r := range raw {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(r); err != nil || !jwk.Valid() || jwk.Use == "enc" {
			continue
		}
		if _, symmetric := jwk.Key.([]byte); symmetric {
			continue
		}
		if !jwk.IsPublic() {
			jwk = jwk.Public()
		}
		out = append(out, jwk)
	}
	return out
}
