package apiaccess

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// TokenStatus is the state of a token as admins see it.
type TokenStatus string

// Token statuses.
const (
	TokenActive TokenStatus = "active"
	// TokenRotating is a token that was rotated with a grace period: it
	// still works until ExpiresAt.
	TokenRotating TokenStatus = "rotating"
	TokenExpired  TokenStatus = "expired"
	TokenRevoked  TokenStatus = "revoked"
)

// Token is an API token as the admin API shows it: masked.
type Token struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Name           string
	// Prefix is the token's first characters, which admins and secret
	// scanners recognise; Masked is Prefix followed by bullets.
	Prefix string
	Masked string
	Scopes []string
	Status TokenStatus
	// PerMinute and PerHour are the limits that apply (the token's own or
	// the defaults); Custom reports the token's own.
	PerMinute   int
	PerHour     int
	CustomLimit bool
	CreatedAt   time.Time
	// LastUsedAt lags behind by up to Config.FlushInterval.
	LastUsedAt  *time.Time
	ExpiresAt   *time.Time
	RevokedAt   *time.Time
	RotatedFrom *uuid.UUID
	ReplacedBy  *uuid.UUID
}

// CreatedToken is a token right after it was made: the only time its
// secret is shown.
type CreatedToken struct {
	Token
	// Secret is the whole token, to give to the API client. It is not
	// stored and cannot be shown again.
	Secret string
}

// TokenCreateParams are the fields of a new token.
type TokenCreateParams struct {
	OrganizationID uuid.UUID
	Name           string
	Scopes         []string
	// ExpiresAt is when the token stops working; nil means
	// Config.TokenLifetime from now, unless NoExpiry.
	ExpiresAt *time.Time
	NoExpiry  bool
	// PerMinute and PerHour override the default limits; 0 keeps them.
	PerMinute int
	PerHour   int
}

// TokenRotateOpts are the options of [Service.TokenRotate]; nil means all
// defaults.
type TokenRotateOpts struct {
	// Grace keeps the old token working for that long (at most
	// Config.MaxGrace); zero refuses it at once.
	Grace time.Duration
	// ExpiresAt and NoExpiry set the new token's expiry as in
	// [TokenCreateParams].
	ExpiresAt *time.Time
	NoExpiry  bool
}

// TokenCreate makes a token. The result holds the secret, shown this once;
// only its hash is stored.
func (s *Service) TokenCreate(ctx context.Context, p *TokenCreateParams) (*CreatedToken, error) {
	now := s.now()
	v := validation{}
	name := strings.TrimSpace(p.Name)
	checkName(v, name)
	s.checkScopes(v, p.Scopes)
	expires := s.expiry(v, now, p.ExpiresAt, p.NoExpiry)
	perMin, perHour := checkLimit(v, FieldPerMinute, p.PerMinute, MsgPerMinuteRange), checkLimit(v, FieldPerHour, p.PerHour, MsgPerHourRange)
	if err := v.err(); err != nil {
		return nil, err
	}
	secret, err := GenerateToken()
	if err != nil {
		return nil, fmt.Errorf("apiaccess: generate token: %w", err)
	}
	info, err := s.store.APITokenInfoCreate(ctx, &storage.APITokenInfoCreateParams{
		APITokenCreateParams: storage.APITokenCreateParams{OrganizationID: p.OrganizationID, Name: name,
			Prefix: displayPrefix(secret), Hash: HashToken(secret), Scopes: slices.Clone(p.Scopes), ExpiresAt: expires},
		PerMinute: perMin, PerHour: perHour})
	if err != nil {
		return nil, fmt.Errorf("apiaccess: create token: %w", err)
	}
	return &CreatedToken{Token: *s.tokenView(info, now), Secret: secret}, nil
}

// TokenList lists an organization's tokens, newest first, masked.
func (s *Service) TokenList(ctx context.Context, orgID uuid.UUID) ([]*Token, error) {
	infos, err := s.store.APITokenInfoList(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("apiaccess: list tokens: %w", err)
	}
	now := s.now()
	out := make([]*Token, len(infos))
	for i, info := range infos {
		out[i] = s.tokenView(info, now)
	}
	return out, nil
}

// TokenGet returns one token, masked. Another organization's token is
// [storage.ErrNotFound].
func (s *Service) TokenGet(ctx context.Context, orgID, id uuid.UUID) (*Token, error) {
	info, err := s.store.APITokenInfoGet(ctx, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("apiaccess: get token: %w", err)
	}
	return s.tokenView(info, s.now()), nil
}

// TokenRotate replaces a token with a new one that keeps its name, scopes
// and limits (ADMIN-INT-014). The old token is refused at once, or after
// opts.Grace. A token that is revoked, expired or already rotated is
// [ErrTokenInactive]. The result holds the new secret, shown this once.
func (s *Service) TokenRotate(ctx context.Context, orgID, id uuid.UUID, opts *TokenRotateOpts) (*CreatedToken, error) {
	if opts == nil {
		opts = &TokenRotateOpts{}
	}
	now := s.now()
	v := validation{}
	if opts.Grace < 0 || opts.Grace > s.cfg.MaxGrace {
		v.add(FieldGrace, MsgGraceRange+humanDuration(s.cfg.MaxGrace))
	}
	expires := s.expiry(v, now, opts.ExpiresAt, opts.NoExpiry)
	if err := v.err(); err != nil {
		return nil, err
	}
	old, err := s.store.APITokenInfoGet(ctx, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("apiaccess: rotate token: %w", err)
	}
	if old.ExpiresAt != nil && !now.Before(*old.ExpiresAt) {
		return nil, ErrTokenInactive
	}
	secret, err := GenerateToken()
	if err != nil {
		return nil, fmt.Errorf("apiaccess: generate token: %w", err)
	}
	var until *time.Time
	if opts.Grace > 0 {
		t := now.Add(opts.Grace)
		until = &t
	}
	info, err := s.store.APITokenInfoRotate(ctx, &storage.APITokenRotateParams{OrganizationID: orgID, ID: id,
		Prefix: displayPrefix(secret), Hash: HashToken(secret), ExpiresAt: expires, OldValidUntil: until})
	if errors.Is(err, storage.ErrConflict) {
		return nil, ErrTokenInactive
	}
	if err != nil {
		return nil, fmt.Errorf("apiaccess: rotate token: %w", err)
	}
	s.tokens.evict(old.Hash)
	return &CreatedToken{Token: *s.tokenView(info, now), Secret: secret}, nil
}

// TokenRevoke refuses a token from now on, on this host at once and on the
// others within Config.FlushInterval.
func (s *Service) TokenRevoke(ctx context.Context, orgID, id uuid.UUID) (*Token, error) {
	info, err := s.store.APITokenInfoRevoke(ctx, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("apiaccess: revoke token: %w", err)
	}
	s.tokens.evict(info.Hash)
	return s.tokenView(info, s.now()), nil
}

// TokenLimitsSet sets a token's own limits; 0 returns a limit to the
// default.
func (s *Service) TokenLimitsSet(ctx context.Context, orgID, id uuid.UUID, perMinute, perHour int) (*Token, error) {
	v := validation{}
	perMin, perH := checkLimit(v, FieldPerMinute, perMinute, MsgPerMinuteRange), checkLimit(v, FieldPerHour, perHour, MsgPerHourRange)
	if err := v.err(); err != nil {
		return nil, err
	}
	info, err := s.store.APITokenInfoLimitsSet(ctx, &storage.APITokenLimitsParams{OrganizationID: orgID, ID: id,
		PerMinute: perMin, PerHour: perH})
	if err != nil {
		return nil, fmt.Errorf("apiaccess: set token limits: %w", err)
	}
	s.tokens.evict(info.Hash)
	return s.tokenView(info, s.now()), nil
}

// tokenView masks a stored token for the admin API.
func (s *Service) tokenView(info *storage.APITokenInfo, now time.Time) *Token {
	perMin, perHour := s.limitsOf(info)
	return &Token{ID: info.ID, OrganizationID: info.OrganizationID, Name: info.Name, Prefix: info.Prefix,
		Masked: maskToken(info.Prefix), Scopes: slices.Clone(info.Scopes), Status: statusOf(info, now),
		PerMinute: perMin, PerHour: perHour, CustomLimit: info.PerMinute != nil || info.PerHour != nil,
		CreatedAt: info.CreatedAt, LastUsedAt: info.LastUsedAt, ExpiresAt: info.ExpiresAt, RevokedAt: info.RevokedAt,
		RotatedFrom: info.RotatedFrom, ReplacedBy: info.ReplacedBy}
}

// limitsOf returns the per-minute and per-hour limits of a token.
func (s *Service) limitsOf(info *storage.APITokenInfo) (perMin, perHour int) {
	perMin, perHour = s.cfg.PerMinute, s.cfg.PerHour
	if info.PerMinute != nil {
		perMin = *info.PerMinute
	}
	if info.PerHour != nil {
		perHour = *info.PerHour
	}
	return perMin, perHour
}

func statusOf(info *storage.APITokenInfo, now time.Time) TokenStatus {
	switch {
	case info.RevokedAt != nil:
		return TokenRevoked
	case info.ExpiresAt != nil && !now.Before(*info.ExpiresAt):
		return TokenExpired
	case info.ReplacedBy != nil:
		return TokenRotating
	}
	return TokenActive
}

func checkName(v validation, name string) {
	switch {
	case name == "":
		v.add(FieldName, MsgNameRequired)
	case utf8.RuneCountInString(name) > NameMaxLen:
		v.add(FieldName, MsgNameTooLong)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == 0 }):
		v.add(FieldName, MsgNamePlain)
	}
}

func (s *Service) checkScopes(v validation, scopes []string) {
	for _, sc := range scopes {
		switch {
		case !validScope(sc):
			v.add(FieldScopes, MsgScopeInvalid)
		case len(s.cfg.Scopes) > 0 && !slices.Contains(s.cfg.Scopes, sc):
			v.add(FieldScopes, MsgScopeUnknown+sc)
		}
	}
}

// validScope reports a scope of 1 to 64 letters, digits and . : _ -.
func validScope(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if base62Value(c) < 0 && !strings.ContainsRune(".:_-", rune(c)) {
			return false
		}
	}
	return true
}

// expiry returns the expiry of a new token.
func (s *Service) expiry(v validation, now time.Time, at *time.Time, none bool) *time.Time {
	switch {
	case none:
		return nil
	case at == nil:
		t := now.Add(s.cfg.TokenLifetime)
		return &t
	case !at.After(now):
		v.add(FieldExpiresAt, MsgExpiryPast)
	}
	t := at.UTC()
	return &t
}

// checkLimit returns an override, or nil for 0 (the default).
func checkLimit(v validation, field string, n int, msg string) *int {
	if n == 0 {
		return nil
	}
	if n < 1 || n > LimitMax {
		v.add(field, msg)
	}
	return &n
}

// humanDuration renders a duration in days or hours, as a form shows it.
func humanDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
