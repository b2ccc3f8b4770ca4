package admin

import (
	"bytes"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/apiaccess"
)

// APIToken is an API token as the admin shows it: masked ("itk_NUUIQES0
// ••••••••"), with its scopes, limits, last use and expiry.
type APIToken struct {
	ID          uuid.UUID  `json:"id"`
	Name        string     `json:"name"`
	Masked      string     `json:"masked"`
	Scopes      []string   `json:"scopes"`
	Status      string     `json:"status"`
	PerMinute   int        `json:"perMinute"`
	PerHour     int        `json:"perHour"`
	CustomLimit bool       `json:"customLimit,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	LastUsedAt  *time.Time `json:"lastUsedAt,omitempty"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty"`
	RevokedAt   *time.Time `json:"revokedAt,omitempty"`
	RotatedFrom *uuid.UUID `json:"rotatedFrom,omitempty"`
	ReplacedBy  *uuid.UUID `json:"replacedBy,omitempty"`
}

// APITokenCreated is a token just made or rotated: Secret is the whole
// token, shown this once.
type APITokenCreated struct {
	Token  *APIToken `json:"token"`
	Secret string    `json:"secret"`
}

// TokenInput is the new token form.
type TokenInput struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes,omitempty"`
	// ExpiresAt is when it stops working; absent means the default (90
	// days) unless NoExpiry.
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	NoExpiry  bool       `json:"noExpiry,omitempty"`
	// PerMinute and PerHour override the default limits; 0 keeps them.
	PerMinute int `json:"perMinute,omitempty"`
	PerHour   int `json:"perHour,omitempty"`
}

// TokenRotateInput rotates a token; Grace keeps the old one working for
// that many seconds (0: refused at once).
type TokenRotateInput struct {
	Grace int `json:"grace,omitempty"`
}

// TokenLimitsInput sets a token's own limits; 0 returns one to the
// default.
type TokenLimitsInput struct {
	PerMinute int `json:"perMinute"`
	PerHour   int `json:"perHour"`
}

// APIUsage is the §7 panel: totals with 2xx/4xx/5xx shares, top
// endpoints, usage per token, the current rate against each limit, and the
// throttled requests of the last 24 h.
type APIUsage struct {
	Since          time.Time        `json:"since"`
	Until          time.Time        `json:"until"`
	Total          int64            `json:"total"`
	Success        int64            `json:"success"`
	ClientErrors   int64            `json:"clientErrors"`
	ServerErrors   int64            `json:"serverErrors"`
	Other          int64            `json:"other"`
	SuccessPct     float64          `json:"successPct"`
	ClientErrorPct float64          `json:"clientErrorPct"`
	ServerErrorPct float64          `json:"serverErrorPct"`
	TopEndpoints   []*EndpointCount `json:"topEndpoints"`
	Tokens         []*TokenCount    `json:"tokens"`
	Limits         []*LimitUsage    `json:"limits"`
	Throttled      []*Throttle      `json:"throttled"`
	ThrottledTotal int64            `json:"throttledTotal"`
}

// EndpointCount is one line of the top endpoints: "/api/jobs/list - 12,342
// requests".
type EndpointCount struct {
	Route string `json:"route"`
	Count int64  `json:"count"`
}

// TokenCount is one token's requests.
type TokenCount struct {
	TokenID uuid.UUID `json:"tokenId"`
	Name    string    `json:"name"`
	Count   int64     `json:"count"`
}

// LimitUsage is the current rate against a limit: "Current: 47 req/hour".
type LimitUsage struct {
	Limit       string    `json:"limit"`
	Max         int       `json:"max"`
	Used        int64     `json:"used"`
	UsedPct     float64   `json:"usedPct"`
	WindowStart time.Time `json:"windowStart"`
	WindowEnd   time.Time `json:"windowEnd"`
}

// Throttle is a group of refused requests: one limit, token, route and
// minute.
type Throttle struct {
	TokenID  uuid.UUID `json:"tokenId"`
	Route    string    `json:"route"`
	Limit    string    `json:"limit"`
	Requests int64     `json:"requests"`
	FirstAt  time.Time `json:"firstAt"`
	LastAt   time.Time `json:"lastAt"`
}

func (h *Handler) accessOps() []*operation {
	tokenQ := param{name: "token", typ: "uuid", desc: "one token's usage and limits"}
	return []*operation{
		op(h, "GET", "/api/api-access/usage", "apiUsage", "api-access", "API usage of the last 24 hours, limits and throttled requests (§7).", 200, h.apiUsage).withQuery(tokenQ),
		rawOp(h, "GET", "/api/api-access/report.csv", "apiUsageReport", "api-access", "Generate Report: the usage of the last 24 hours as CSV.", "text/csv", h.apiUsageReport).withQuery(tokenQ),
		op(h, "GET", "/api/api-access/tokens", "apiTokenList", "api-access", "The API tokens, newest first, masked.", 200, h.apiTokenList),
		op(h, "POST", "/api/api-access/tokens", "apiTokenCreate", "api-access", "Create a token; the answer shows it, the only time.", 201, h.apiTokenCreate),
		op(h, "GET", "/api/api-access/tokens/{id}", "apiTokenGet", "api-access", "One token, masked.", 200, h.apiTokenGet),
		op(h, "POST", "/api/api-access/tokens/{id}/rotate", "apiTokenRotate", "api-access", "Replace a token; the old one is refused at once or after the grace period (ADMIN-INT-014).", 200, h.apiTokenRotate),
		op(h, "POST", "/api/api-access/tokens/{id}/revoke", "apiTokenRevoke", "api-access", "Refuse a token from now on.", 200, h.apiTokenRevoke),
		op(h, "PUT", "/api/api-access/tokens/{id}/limits", "apiTokenLimitsSet", "api-access", "Set a token's own rate limits; 0 returns one to the default.", 200, h.apiTokenLimits),
	}
}

// accessOn answers 501 when the host configured no API access.
func (h *Handler) accessOn() error {
	if h.cfg.APIAccess == nil {
		return notConfigured("API access")
	}
	return nil
}

func toToken(t *apiaccess.Token) *APIToken {
	out := &APIToken{ID: t.ID, Name: t.Name, Masked: t.Masked, Scopes: append([]string{}, t.Scopes...), Status: string(t.Status),
		PerMinute: t.PerMinute, PerHour: t.PerHour, CustomLimit: t.CustomLimit, CreatedAt: t.CreatedAt,
		LastUsedAt: t.LastUsedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, RotatedFrom: t.RotatedFrom, ReplacedBy: t.ReplacedBy}
	return out
}

func toAPIUsage(u *apiaccess.Usage) *APIUsage {
	out := &APIUsage{Since: u.Since, Until: u.Until, Total: u.Total, Success: u.Success, ClientErrors: u.ClientErrors,
		ServerErrors: u.ServerErrors, Other: u.Other, SuccessPct: u.SuccessPct, ClientErrorPct: u.ClientErrorPct,
		ServerErrorPct: u.ServerErrorPct, TopEndpoints: []*EndpointCount{}, Tokens: []*TokenCount{}, Limits: []*LimitUsage{},
		Throttled: []*Throttle{}, ThrottledTotal: u.ThrottledTotal}
	for _, e := range u.TopEndpoints {
		out.TopEndpoints = append(out.TopEndpoints, &EndpointCount{Route: e.Route, Count: e.Total})
	}
	for _, t := range u.Tokens {
		out.Tokens = append(out.Tokens, &TokenCount{TokenID: t.TokenID, Name: t.Name, Count: t.Total})
	}
	for _, l := range u.Limits {
		out.Limits = append(out.Limits, &LimitUsage{Limit: l.Limit.String(), Max: l.Max, Used: l.Used, UsedPct: l.UsedPct,
			WindowStart: l.WindowStart, WindowEnd: l.WindowEnd})
	}
	for _, t := range u.Throttled {
		out.Throttled = append(out.Throttled, &Throttle{TokenID: t.TokenID, Route: t.Route, Limit: t.Limit, Requests: t.Requests,
			FirstAt: t.FirstAt, LastAt: t.LastAt})
	}
	return out
}

// usageParams reads the usage selection: the organization, or one token.
func usageParams(r *http.Request) (*apiaccess.UsageParams, error) {
	tok, err := queryID(r, "token")
	if err != nil {
		return nil, err
	}
	return &apiaccess.UsageParams{OrganizationID: org(r), TokenID: tok}, nil
}

// usage reads the §7 panel, checking that a named token is the
// organization's.
func (h *Handler) usage(r *http.Request) (*APIUsage, error) {
	if err := h.accessOn(); err != nil {
		return nil, err
	}
	p, err := usageParams(r)
	if err != nil {
		return nil, err
	}
	if p.TokenID != uuid.Nil {
		if _, err := h.cfg.APIAccess.TokenGet(r.Context(), p.OrganizationID, p.TokenID); err != nil {
			return nil, err
		}
	}
	u, err := h.cfg.APIAccess.Usage(r.Context(), p)
	if err != nil {
		return nil, err
	}
	return toAPIUsage(u), nil
}

func (h *Handler) apiUsage(r *http.Request, _ *none) (*APIUsage, error) { return h.usage(r) }

func (h *Handler) apiUsageReport(w http.ResponseWriter, r *http.Request) error {
	if err := h.accessOn(); err != nil {
		return err
	}
	p, err := usageParams(r)
	if err != nil {
		return err
	}
	if p.TokenID != uuid.Nil {
		if _, err := h.cfg.APIAccess.TokenGet(r.Context(), p.OrganizationID, p.TokenID); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := h.cfg.APIAccess.UsageReportCSV(r.Context(), &buf, p); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="api-usage-`+h.now().UTC().Format("20060102-1504")+`.csv"`)
	_, err = buf.WriteTo(w)
	return err
}

func (h *Handler) apiTokenList(r *http.Request, _ *none) ([]*APIToken, error) {
	if err := h.accessOn(); err != nil {
		return nil, err
	}
	list, err := h.cfg.APIAccess.TokenList(r.Context(), org(r))
	if err != nil {
		return nil, err
	}
	out := make([]*APIToken, 0, len(list))
	for _, t := range list {
		out = append(out, toToken(t))
	}
	return out, nil
}

func (h *Handler) apiTokenCreate(r *http.Request, in *TokenInput) (*APITokenCreated, error) {
	if err := h.accessOn(); err != nil {
		return nil, err
	}
	return h.tokenCreate(r, in)
}

func (h *Handler) tokenCreate(r *http.Request, in *TokenInput) (*APITokenCreated, error) {
	c, err := h.cfg.APIAccess.TokenCreate(r.Context(), &apiaccess.TokenCreateParams{OrganizationID: org(r), Name: in.Name,
		Scopes: in.Scopes, ExpiresAt: in.ExpiresAt, NoExpiry: in.NoExpiry, PerMinute: in.PerMinute, PerHour: in.PerHour})
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "apiTokenCreate", "apiToken", c.ID, "")
	_ = h.audit(r, AuditSecretIssued, "apiToken", c.ID, "token")
	return &APITokenCreated{Token: toToken(&c.Token), Secret: c.Secret}, nil
}

// tokenOf checks the path's token belongs to the organization.
func (h *Handler) tokenOf(r *http.Request) (*apiaccess.Token, error) {
	if err := h.accessOn(); err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.cfg.APIAccess.TokenGet(r.Context(), org(r), id)
}

func (h *Handler) apiTokenGet(r *http.Request, _ *none) (*APIToken, error) {
	t, err := h.tokenOf(r)
	if err != nil {
		return nil, err
	}
	return toToken(t), nil
}

func (h *Handler) apiTokenRotate(r *http.Request, in *TokenRotateInput) (*APITokenCreated, error) {
	t, err := h.tokenOf(r)
	if err != nil {
		return nil, err
	}
	return h.tokenRotate(r, t.ID, time.Duration(in.Grace)*time.Second)
}

func (h *Handler) tokenRotate(r *http.Request, id uuid.UUID, grace time.Duration) (*APITokenCreated, error) {
	c, err := h.cfg.APIAccess.TokenRotate(r.Context(), org(r), id, &apiaccess.TokenRotateOpts{Grace: grace})
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "apiTokenRotate", "apiToken", id, grace.String())
	_ = h.audit(r, AuditSecretIssued, "apiToken", c.ID, "token")
	return &APITokenCreated{Token: toToken(&c.Token), Secret: c.Secret}, nil
}

func (h *Handler) apiTokenRevoke(r *http.Request, _ *none) (*APIToken, error) {
	t, err := h.tokenOf(r)
	if err != nil {
		return nil, err
	}
	out, err := h.cfg.APIAccess.TokenRevoke(r.Context(), org(r), t.ID)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "apiTokenRevoke", "apiToken", t.ID, "")
	return toToken(out), nil
}

func (h *Handler) apiTokenLimits(r *http.Request, in *TokenLimitsInput) (*APIToken, error) {
	t, err := h.tokenOf(r)
	if err != nil {
		return nil, err
	}
	out, err := h.cfg.APIAccess.TokenLimitsSet(r.Context(), org(r), t.ID, in.PerMinute, in.PerHour)
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "apiTokenLimitsSet", "apiToken", t.ID, "")
	return toToken(out), nil
}
