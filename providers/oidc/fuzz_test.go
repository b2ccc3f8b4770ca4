package oidc

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite testdata/fuzz from the seeds built in fuzz_test.go")

// The fuzzed verifier's world: a fixed clock, an Auth0-style issuer, and
// Ed25519 keys from fixed seeds, so that the seed tokens are the same on
// every run (Ed25519 signatures are deterministic).
var (
	fuzzNow    = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	fuzzKey    = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	fuzzForged = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
)

const (
	fuzzIssuer = "https://acme.us.auth0.com/"
	fuzzClient = "intime-sso"
	fuzzNonce  = "fuzz-nonce"
)

// noNetwork fails every request: the fuzzed verifier never fetches.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network")
}

// fuzzVerifier verifies against a key set cached at fuzzNow that never
// refetches.
func fuzzVerifier() *verifier {
	now := func() time.Time { return fuzzNow }
	c := httpapi.NewClient(Name, &http.Client{Transport: noNetwork{}}, nil, now)
	ks := newKeySet(c, "https://acme.us.auth0.com/.well-known/jwks.json", 100*365*24*time.Hour, 100*365*24*time.Hour)
	ks.keys = []jose.JSONWebKey{{Key: fuzzKey.Public(), KeyID: "k1", Algorithm: string(jose.EdDSA), Use: "sig"}}
	ks.fetched = fuzzNow
	return &verifier{issuer: fuzzIssuer, clientID: fuzzClient, algs: []jose.SignatureAlgorithm{jose.EdDSA, jose.RS256},
		keys: ks, now: now, skew: ClockSkewDefault, maxAge: MaxTokenAgeDefault, groupsClaim: DefaultGroupsClaim}
}

func fuzzClaims() map[string]any {
	return map[string]any{"iss": fuzzIssuer, "aud": fuzzClient, "sub": "auth0|5f7c8ec7c33c6c004bbafe82",
		"nonce": fuzzNonce, "exp": fuzzNow.Add(time.Hour).Unix(), "iat": fuzzNow.Unix(), "email": "ana@example.com",
		"email_verified": true, "groups": []string{"Staff"}}
}

func signEd(t testing.TB, key ed25519.PrivateKey, kid string, claims map[string]any) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), kid))
	require.NoError(t, err)
	raw, err := jwt.Signed(s).Claims(claims).Serialize()
	require.NoError(t, err)
	return raw
}

func edit(kv ...any) map[string]any {
	c := fuzzClaims()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// seed is a token of the corpus and the reason it is refused ("" for the
// valid one).
type seed struct {
	token  string
	reason Reason
}

// fuzzSeeds are the seed corpus: the valid token and one per rule.
func fuzzSeeds(t testing.TB) map[string]seed {
	valid := signEd(t, fuzzKey, "k1", fuzzClaims())
	parts := strings.Split(valid, ".")
	return map[string]seed{
		"valid":          {valid, ""},
		"wrong_audience": {signEd(t, fuzzKey, "k1", edit("aud", "other-app")), ReasonAudience},
		"wrong_issuer":   {signEd(t, fuzzKey, "k1", edit("iss", "https://acme.us.auth0.com")), ReasonIssuer},
		"wrong_nonce":    {signEd(t, fuzzKey, "k1", edit("nonce", "other")), ReasonNonce},
		"expired":        {signEd(t, fuzzKey, "k1", edit("exp", fuzzNow.Add(-time.Hour).Unix())), ReasonExpired},
		"iat_future":     {signEd(t, fuzzKey, "k1", edit("iat", fuzzNow.Add(time.Hour).Unix())), ReasonIssuedAt},
		"no_sub":         {signEd(t, fuzzKey, "k1", edit("sub", nil)), ReasonSubject},
		"azp_missing":    {signEd(t, fuzzKey, "k1", edit("aud", []string{fuzzClient, "api"})), ReasonAuthorizedParty},
		"huge_exp":       {signEd(t, fuzzKey, "k1", edit("exp", 1e300)), ReasonMalformed},
		"forged_key":     {signEd(t, fuzzForged, "k1", fuzzClaims()), ReasonSignature},
		"unknown_kid":    {signEd(t, fuzzForged, "k2", fuzzClaims()), ReasonUnknownKey},
		"alg_none":       {b64(`{"alg":"none"}`) + "." + parts[1] + ".", ReasonAlgorithm},
		"alg_hs256":      {b64(`{"alg":"HS256","kid":"k1"}`) + "." + parts[1] + "." + parts[2], ReasonAlgorithm},
		"payload_swap":   {parts[0] + "." + b64(`{"iss":"`+fuzzIssuer+`","aud":"`+fuzzClient+`","sub":"admin"}`) + "." + parts[2], ReasonSignature},
		"jwe_5_parts":    {"eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", ReasonMalformed},
		"garbage":        {"not.a.token", ReasonMalformed},
		"empty":          {"", ReasonMalformed},
	}
}

// TestFuzzSeeds keeps the corpus in testdata/fuzz/FuzzVerify what
// fuzzSeeds builds (go test -run TestFuzzSeeds -update-seeds rewrites it),
// and checks each seed's verdict.
func TestFuzzSeeds(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "fuzz", "FuzzVerify")
	seeds := fuzzSeeds(t)
	if *updateSeeds {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for name, s := range seeds {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), corpusFile(s.token), 0o644))
		}
	}
	v := fuzzVerifier()
	names := make([]string, 0, len(seeds))
	for name := range seeds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := seeds[name]
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, "seed %s missing: run go test -run TestFuzzSeeds -update-seeds", name)
		require.Equal(t, string(corpusFile(s.token)), string(got), "seed %s is stale", name)
		_, err = v.verify(t.Context(), s.token, &expect{nonce: fuzzNonce})
		if s.reason == "" {
			require.NoError(t, err, name)
			continue
		}
		var te *TokenError
		require.ErrorAs(t, err, &te, name)
		require.Equal(t, s.reason, te.Reason, "%s: %v", name, err)
	}
}

// corpusFile is a seed in the go test fuzz v1 format.
func corpusFile(s string) []byte {
	return []byte("go test fuzz v1\nstring(" + strconv.Quote(s) + ")\n")
}

// FuzzVerify feeds arbitrary tokens to the ID token verifier. It must
// never panic, refuse every token with an invalid-input TokenError (the
// key set never needs the network), and accept only tokens whose claims
// pass every rule: the fuzzer cannot forge the Ed25519 signature, so an
// accepted token is the seed's.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.token)
	}
	v := fuzzVerifier()
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := v.verify(t.Context(), raw, &expect{nonce: fuzzNonce})
		if err != nil {
			var te *TokenError
			if !errors.As(err, &te) || providers.KindOf(err) != providers.KindInvalidInput {
				t.Fatalf("refused without a TokenError of invalid input: %v", err)
			}
			if strings.Contains(err.Error(), raw) && len(raw) > 16 {
				t.Fatalf("the error quotes the token")
			}
			return
		}
		requireAccepted(t, c)
	})
}

// requireAccepted checks an accepted token's claims against the rules.
func requireAccepted(t *testing.T, c *idClaims) {
	switch {
	case c.Issuer != fuzzIssuer:
		t.Fatalf("accepted iss %q", c.Issuer)
	case !c.Audience.Contains(fuzzClient):
		t.Fatalf("accepted aud %q", c.Audience)
	case len(c.Audience) > 1 && c.AuthorizedParty != fuzzClient:
		t.Fatalf("accepted azp %q for aud %q", c.AuthorizedParty, c.Audience)
	case c.Nonce != fuzzNonce:
		t.Fatalf("accepted nonce %q", c.Nonce)
	case c.Subject == "":
		t.Fatal("accepted without sub")
	case c.Expiry == nil || c.Expiry.Time().Before(fuzzNow.Add(-ClockSkewDefault)):
		t.Fatalf("accepted exp %v", c.Expiry)
	case c.IssuedAt == nil || c.IssuedAt.Time().After(fuzzNow.Add(ClockSkewDefault)):
		t.Fatalf("accepted iat %v", c.IssuedAt)
	}
}

// fuzzSettings key the sealed flows of FuzzOpenFlow.
var fuzzSettings = &settings{issuer: fuzzIssuer, clientID: fuzzClient, clientSecret: "fuzz-secret"}

// fuzzFlow is the flow sealed into FuzzOpenFlow's seed.
var fuzzFlow = flow{State: "state", Nonce: "nonce", Verifier: "verifier", RedirectURI: "https://app.example.com/cb", Expires: 1}

// FuzzOpenFlow feeds arbitrary text to the opening of sealed flows (which
// hosts hand back from cookies): it must never panic, and open only what
// was sealed.
func FuzzOpenFlow(f *testing.F) {
	s, err := newSealer(fuzzSettings, purposeFlow, bytes.NewReader(make([]byte, 64)))
	if err != nil {
		f.Fatal(err)
	}
	sealed, err := s.seal(&fuzzFlow)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{sealed, "v1.", "v1.AAAA", "", sealed[:len(sealed)-1], "v2." + sealed[3:]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var fl flow
		if err := s.open(text, &fl); err != nil {
			if !errors.Is(err, errSealed) {
				t.Fatalf("open: %v", err)
			}
			return
		}
		if fl != fuzzFlow {
			t.Fatalf("opened %s into %+v, which was never sealed", text, fl)
		}
	})
}

// TestSealRoundTrip: a sealed value opens under the same settings and
// purpose only.
func TestSealRoundTrip(t *testing.T) {
	t.Parallel()
	s, err := newSealer(fuzzSettings, purposeFlow, bytes.NewReader(make([]byte, 64)))
	require.NoError(t, err)
	sealed, err := s.seal(&fuzzFlow)
	require.NoError(t, err)
	var fl flow
	require.NoError(t, s.open(sealed, &fl))
	require.Equal(t, fuzzFlow, fl)
	for name, other := range map[string]*settings{
		"another secret":    {issuer: fuzzIssuer, clientID: fuzzClient, clientSecret: "rotated"},
		"another client":    {issuer: fuzzIssuer, clientID: "other", clientSecret: "fuzz-secret"},
		"another issuer":    {issuer: "https://acme.us.auth0.com", clientID: fuzzClient, clientSecret: "fuzz-secret"},
		"another purpose":   nil,
		"the same (sanity)": fuzzSettings,
	} {
		purpose := purposeFlow
		if other == nil {
			other, purpose = fuzzSettings, purposeSession
		}
		o, err := newSealer(other, purpose, nil)
		require.NoError(t, err)
		err = o.open(sealed, &fl)
		if other == fuzzSettings && purpose == purposeFlow {
			require.NoError(t, err, name)
			continue
		}
		require.ErrorIs(t, err, errSealed, name)
	}
}
