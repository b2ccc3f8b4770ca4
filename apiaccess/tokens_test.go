package apiaccess_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/storage"
)

func TestTokenCreate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 1, nil)
		tok := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) {
			p.Name, p.Scopes, p.PerMinute = "  Zapier  ", []string{"jobs:read", "zapier"}, 20
		})
		require.NoError(t, apiaccess.ParseToken(tok.Secret))
		require.Regexp(t, regexp.MustCompile(apiaccess.TokenPattern), tok.Secret)
		require.Equal(t, tok.Secret[:apiaccess.DisplayPrefixLen], tok.Prefix)
		require.Equal(t, tok.Prefix+"••••••••", tok.Masked)
		require.Equal(t, "Zapier", tok.Name)
		require.Equal(t, []string{"jobs:read", "zapier"}, tok.Scopes)
		require.Equal(t, apiaccess.TokenActive, tok.Status)
		require.Equal(t, 20, tok.PerMinute)
		require.Equal(t, 1000, tok.PerHour, "default")
		require.True(t, tok.CustomLimit)
		require.Equal(t, b.clock.Now().Add(90*24*time.Hour), *tok.ExpiresAt, "90 days by default")

		// Only the hash is stored.
		stored, err := b.hosts[0].store.APITokenInfoGet(b.ctx, b.org, tok.ID)
		require.NoError(t, err)
		require.Equal(t, apiaccess.HashToken(tok.Secret), stored.Hash)
		require.NotContains(t, stored.Hash, tok.Secret[len(tok.Prefix):])
		require.Equal(t, tok.Prefix, stored.Prefix)

		list, err := b.svc().TokenList(b.ctx, b.org)
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, tok.Token, *list[0], "the list shows what create showed, without the secret")
		require.Nil(t, list[0].LastUsedAt)

		// Last used appears once usage is written.
		require.Equal(t, http.StatusOK, b.hosts[0].do(http.MethodGet, "/api/jobs/1", tok.Secret).Code)
		require.NoError(t, b.svc().Flush(b.ctx))
		got, err := b.svc().TokenGet(b.ctx, b.org, tok.ID)
		require.NoError(t, err)
		require.Equal(t, b.clock.Now(), *got.LastUsedAt)

		never := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.NoExpiry = true })
		require.Nil(t, never.ExpiresAt)
		at := b.clock.Now().Add(time.Hour)
		soon := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.ExpiresAt = &at })
		require.Equal(t, at, *soon.ExpiresAt)
		require.NotEqual(t, never.Secret, soon.Secret)
	})
}

func TestTokenValidation(t *testing.T) {
	t.Parallel()
	db := backends[0].new(t)
	b := setup(t, db, 0, nil)
	b.addHost(t, &apiaccess.Config{Scopes: []string{"jobs:read", "zapier"}})
	past := b.clock.Now().Add(-time.Second)
	for _, tc := range []struct {
		name  string
		edit  func(*apiaccess.TokenCreateParams)
		field string
		msg   string
	}{
		{"NoName", func(p *apiaccess.TokenCreateParams) { p.Name = "   " }, apiaccess.FieldName, "Token name is required"},
		{"LongName", func(p *apiaccess.TokenCreateParams) { p.Name = strings.Repeat("é", 101) }, apiaccess.FieldName, "Token name must be 100 characters or less"},
		{"ControlName", func(p *apiaccess.TokenCreateParams) { p.Name = "a\x00b" }, apiaccess.FieldName, "Token name must be plain text"},
		{"BadScope", func(p *apiaccess.TokenCreateParams) { p.Scopes = []string{"jobs read"} }, apiaccess.FieldScopes, apiaccess.MsgScopeInvalid},
		{"UnknownScope", func(p *apiaccess.TokenCreateParams) { p.Scopes = []string{"admin"} }, apiaccess.FieldScopes, "Unknown scope: admin"},
		{"PastExpiry", func(p *apiaccess.TokenCreateParams) { p.ExpiresAt = &past }, apiaccess.FieldExpiresAt, "Expiry must be in the future"},
		{"PerMinute", func(p *apiaccess.TokenCreateParams) { p.PerMinute = -1 }, apiaccess.FieldPerMinute, apiaccess.MsgPerMinuteRange},
		{"PerHour", func(p *apiaccess.TokenCreateParams) { p.PerHour = apiaccess.LimitMax + 1 }, apiaccess.FieldPerHour, apiaccess.MsgPerHourRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &apiaccess.TokenCreateParams{OrganizationID: b.org, Name: "ok", Scopes: []string{"zapier"}}
			tc.edit(p)
			_, err := b.svc().TokenCreate(b.ctx, p)
			var ve *apiaccess.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, map[string]string{tc.field: tc.msg}, ve.Fields)
		})
	}
	list, err := b.svc().TokenList(b.ctx, b.org)
	require.NoError(t, err)
	require.Empty(t, list, "nothing was stored")

	_, err = apiaccess.New(db.open(t, nil), &apiaccess.Config{PerMinute: -5})
	var ce *apiaccess.ConfigError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "PerMinute", ce.Field)
}

// TestAuthFailures checks every 401 body and the 403 of a missing scope.
func TestAuthFailures(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 1, nil)
		h := b.hosts[0]
		good := b.mustToken(t, b.org, nil)
		revoked := b.mustToken(t, b.org, nil)
		_, err := b.svc().TokenRevoke(b.ctx, b.org, revoked.ID)
		require.NoError(t, err)
		at := b.clock.Now().Add(time.Minute)
		expiring := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.ExpiresAt = &at })
		require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", expiring.Secret).Code)
		b.clock.Advance(time.Minute)
		unknown, err := apiaccess.GenerateToken()
		require.NoError(t, err)
		typo := good.Secret[:20] + flip(good.Secret[20]) + good.Secret[21:]

		for _, tc := range []struct {
			name, header, code, detail string
		}{
			{"Missing", "", "token_missing", "Send an API token in the Authorization header: Bearer <token>."},
			{"OtherScheme", "Basic dXNlcjpwYXNz", "token_missing", "Send an API token in the Authorization header: Bearer <token>."},
			{"Malformed", "Bearer not-a-token", "token_malformed", "The API token is malformed or mistyped (length)."},
			{"Typo", "Bearer " + typo, "token_malformed", "The API token is malformed or mistyped (checksum)."},
			{"Unknown", "Bearer " + unknown, "token_invalid", "The API token is not recognised."},
			{"Revoked", "bearer " + revoked.Secret, "token_revoked", "The API token has been revoked."},
			{"Expired", "Bearer  " + expiring.Secret, "token_expired", "The API token expired at " + at.Format(time.RFC3339) + "."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r, _ := http.NewRequest(http.MethodGet, "/api/jobs/1", nil)
				if tc.header != "" {
					r.Header.Set("Authorization", tc.header)
				}
				w := httptest.NewRecorder()
				h.handler.ServeHTTP(w, r)
				require.Equal(t, http.StatusUnauthorized, w.Code)
				e := decodeError(t, w)
				require.Equal(t, tc.code, e.Error)
				require.Equal(t, "Authentication failed. Please check credentials.", e.Message)
				require.Equal(t, tc.detail, e.Detail)
				require.True(t, strings.HasPrefix(w.Header().Get("WWW-Authenticate"), `Bearer realm="api"`))
				for _, tok := range []string{good.Secret, revoked.Secret, expiring.Secret, unknown} {
					require.NotContains(t, w.Body.String(), tok, "a token never appears in a response")
				}
			})
		}

		w := h.do(http.MethodGet, "/api/admin/settings", good.Secret)
		require.Equal(t, http.StatusForbidden, w.Code)
		e := decodeError(t, w)
		require.Equal(t, "insufficient_scope", e.Error)
		require.Contains(t, w.Header().Get("WWW-Authenticate"), `error="insufficient_scope", scope="admin"`)
		admin := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.Scopes = []string{"admin"} })
		require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/admin/settings", admin.Secret).Code)
	})
}

// flip changes one base62 character into another.
func flip(c byte) string {
	if c == 'a' {
		return "b"
	}
	return "a"
}

// TestRotation rotates with and without a grace period, with two hosts:
// the one that rotates refuses the old token at once, the other once it
// reads the change feed.
func TestRotation(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 2, nil)
		a, other := b.hosts[0], b.hosts[1]
		old := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.Scopes, p.PerHour = []string{"x"}, 500 })
		for _, h := range b.hosts {
			require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", old.Secret).Code, "cached on both hosts")
		}

		repl, err := a.svc.TokenRotate(b.ctx, b.org, old.ID, nil)
		require.NoError(t, err)
		require.Equal(t, old.Name, repl.Name)
		require.Equal(t, old.Scopes, repl.Scopes)
		require.Equal(t, 500, repl.PerHour)
		require.Equal(t, old.ID, *repl.RotatedFrom)
		require.NotEqual(t, old.Secret, repl.Secret)
		requireRefusedAs(t, a, old.Secret, "token_rotated")
		require.NoError(t, other.svc.SyncTokens(b.ctx))
		requireRefusedAs(t, other, old.Secret, "token_rotated")
		for _, h := range b.hosts {
			require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", repl.Secret).Code)
		}
		got, err := a.svc.TokenGet(b.ctx, b.org, old.ID)
		require.NoError(t, err)
		require.Equal(t, apiaccess.TokenRevoked, got.Status)
		require.Equal(t, repl.ID, *got.ReplacedBy)

		_, err = a.svc.TokenRotate(b.ctx, b.org, old.ID, nil)
		require.ErrorIs(t, err, apiaccess.ErrTokenInactive, "already rotated")

		// With a grace period, the old token works on both hosts until it
		// ends, and the new one at once.
		graced, err := other.svc.TokenRotate(b.ctx, b.org, repl.ID, &apiaccess.TokenRotateOpts{Grace: time.Hour})
		require.NoError(t, err)
		require.NoError(t, a.svc.SyncTokens(b.ctx))
		b.clock.Advance(59 * time.Minute)
		for _, h := range b.hosts {
			require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", repl.Secret).Code, "within the grace period")
			require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", graced.Secret).Code)
		}
		got, err = a.svc.TokenGet(b.ctx, b.org, repl.ID)
		require.NoError(t, err)
		require.Equal(t, apiaccess.TokenRotating, got.Status)
		b.clock.Advance(time.Minute)
		for _, h := range b.hosts {
			requireRefusedAs(t, h, repl.Secret, "token_rotated")
			require.Equal(t, http.StatusOK, h.do(http.MethodGet, "/api/jobs/1", graced.Secret).Code)
		}
		_, err = a.svc.TokenRotate(b.ctx, b.org, repl.ID, nil)
		require.ErrorIs(t, err, apiaccess.ErrTokenInactive, "expired")

		_, err = a.svc.TokenRotate(b.ctx, b.org, graced.ID, &apiaccess.TokenRotateOpts{Grace: 31 * 24 * time.Hour})
		var ve *apiaccess.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "Grace period must be between 0 and 30 days", ve.Field(apiaccess.FieldGrace))
	})
}

func requireRefusedAs(t *testing.T, h *host, token, code string) {
	t.Helper()
	w := h.do(http.MethodGet, "/api/jobs/1", token)
	require.Equal(t, http.StatusUnauthorized, w.Code)
	require.Equal(t, code, decodeError(t, w).Error)
}

// TestRevocationReachesOtherHosts runs the background loop: a revocation
// on one host reaches the other through the change feed, without a call.
func TestRevocationReachesOtherHosts(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 2, &apiaccess.Config{FlushInterval: 10 * time.Millisecond})
		for _, h := range b.hosts {
			require.NoError(t, h.svc.Start(b.ctx))
		}
		tok := b.mustToken(t, b.org, nil)
		require.Equal(t, http.StatusOK, b.hosts[1].do(http.MethodGet, "/api/jobs/1", tok.Secret).Code)
		_, err := b.hosts[0].svc.TokenRevoke(b.ctx, b.org, tok.ID)
		require.NoError(t, err)
		requireRefusedAs(t, b.hosts[0], tok.Secret, "token_revoked")
		require.Eventually(t, func() bool {
			return b.hosts[1].do(http.MethodGet, "/api/jobs/1", tok.Secret).Code == http.StatusUnauthorized
		}, 10*time.Second, 5*time.Millisecond)
	})
}

// TestOrganizationIsolation: a token reaches its own organization's data
// only, and one organization cannot see or change another's tokens.
func TestOrganizationIsolation(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 1, nil)
		orgB := newOrg()
		mine := b.mustToken(t, b.org, nil)
		theirs := b.mustToken(t, orgB, nil)
		for tok, org := range map[string]uuid.UUID{mine.Secret: b.org, theirs.Secret: orgB} {
			w := b.hosts[0].do(http.MethodGet, "/api/jobs/9", tok)
			require.Equal(t, http.StatusOK, w.Code)
			require.JSONEq(t, `{"org":"`+org.String()+`","job":"9"}`, w.Body.String())
		}

		_, err := b.svc().TokenGet(b.ctx, orgB, mine.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = b.svc().TokenRevoke(b.ctx, orgB, mine.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = b.svc().TokenRotate(b.ctx, orgB, mine.ID, nil)
		require.ErrorIs(t, err, storage.ErrNotFound)
		_, err = b.svc().TokenLimitsSet(b.ctx, orgB, mine.ID, 1, 1)
		require.ErrorIs(t, err, storage.ErrNotFound)
		list, err := b.svc().TokenList(b.ctx, orgB)
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, theirs.ID, list[0].ID)
		require.Equal(t, http.StatusOK, b.hosts[0].do(http.MethodGet, "/api/jobs/9", mine.Secret).Code, "still valid")

		require.NoError(t, b.svc().Flush(b.ctx))
		u, err := b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: orgB})
		require.NoError(t, err)
		require.Equal(t, int64(1), u.Total, "another organization's requests are not counted")
		_, err = b.svc().Usage(b.ctx, &apiaccess.UsageParams{OrganizationID: orgB, TokenID: mine.ID})
		require.True(t, errors.Is(err, storage.ErrNotFound))
	})
}

func TestTokenLimitsSet(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, db *database) {
		b := setup(t, db, 1, nil)
		tok := b.mustToken(t, b.org, nil)
		require.Equal(t, http.StatusOK, b.hosts[0].do(http.MethodGet, "/api/jobs/1", tok.Secret).Code)
		got, err := b.svc().TokenLimitsSet(b.ctx, b.org, tok.ID, 2, 0)
		require.NoError(t, err)
		require.Equal(t, 2, got.PerMinute)
		require.Equal(t, 1000, got.PerHour)
		// One used already this minute: one more, then refused.
		require.Equal(t, http.StatusOK, b.hosts[0].do(http.MethodGet, "/api/jobs/1", tok.Secret).Code)
		w := b.hosts[0].do(http.MethodGet, "/api/jobs/1", tok.Secret)
		require.Equal(t, http.StatusTooManyRequests, w.Code)
		require.Equal(t, "2", w.Header().Get(apiaccess.HeaderLimit))
		_, err = b.svc().TokenLimitsSet(b.ctx, b.org, tok.ID, 0, -3)
		var ve *apiaccess.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, apiaccess.MsgPerHourRange, ve.Field(apiaccess.FieldPerHour))
	})
}
