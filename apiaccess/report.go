package apiaccess

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// Defaults of [UsageParams].
const (
	UsageWindowDefault = 24 * time.Hour
	TopDefault         = 5
	// ThrottleWindow is how far back Usage.Throttled reaches (§7's
	// "THROTTLED REQUESTS ... in last 24 hours").
	ThrottleWindow = 24 * time.Hour
)

// UsageParams select the usage of an organization, or of one of its
// tokens, over a window (§7, "API USAGE (Last 24 Hours)").
type UsageParams struct {
	OrganizationID uuid.UUID
	// TokenID, when not uuid.Nil, keeps one token.
	TokenID uuid.UUID
	// Until ends the window (zero: now); Since starts it (zero: 24 h
	// before Until). Figures are kept per minute: Since is rounded down to
	// its minute and Until up to the end of its minute.
	Since time.Time
	Until time.Time
	// Top is how many endpoints TopEndpoints lists (default 5).
	Top int
}

// Counts are requests by status class, with each class's share of the
// total in percent.
type Counts struct {
	Total          int64
	Success        int64 // 2xx
	ClientErrors   int64 // 4xx, 429 included
	ServerErrors   int64 // 5xx
	Other          int64 // 1xx and 3xx
	SuccessPct     float64
	ClientErrorPct float64
	ServerErrorPct float64
}

func (c *Counts) add(class int, n int64) {
	c.Total += n
	switch class {
	case 2:
		c.Success += n
	case 4:
		c.ClientErrors += n
	case 5:
		c.ServerErrors += n
	default:
		c.Other += n
	}
}

func (c *Counts) finish() {
	c.SuccessPct, c.ClientErrorPct, c.ServerErrorPct = pct(c.Success, c.Total), pct(c.ClientErrors, c.Total), pct(c.ServerErrors, c.Total)
}

func pct(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

// EndpointUsage is the usage of one route pattern ("" when the request
// matched no route).
type EndpointUsage struct {
	Route string
	Counts
}

// TokenUsage is the usage of one token.
type TokenUsage struct {
	TokenID uuid.UUID
	Name    string
	Counts
}

// LimitUsage is the current rate against one limit: the requests admitted
// in the limit's current window (§7, "Current: 47 req/hour").
type LimitUsage struct {
	Limit       Limit
	Max         int
	Used        int64
	WindowStart time.Time
	WindowEnd   time.Time
	UsedPct     float64
}

// Throttle is a group of requests one limit refused: per minute, token and
// route.
type Throttle struct {
	TokenID  uuid.UUID
	Route    string
	Limit    string
	Requests int64
	FirstAt  time.Time
	LastAt   time.Time
}

// Usage is the §7 panel: totals and shares, top endpoints, the rate
// against the limits, and the throttled requests of the last 24 h. Its
// figures lag behind by up to Config.FlushInterval.
type Usage struct {
	OrganizationID uuid.UUID
	TokenID        uuid.UUID
	Since, Until   time.Time
	Counts
	// TopEndpoints are the busiest routes, most requests first; Endpoints
	// are all of them in that order.
	TopEndpoints []EndpointUsage
	Endpoints    []EndpointUsage
	// Tokens are the usage per token, most requests first.
	Tokens []TokenUsage
	// Limits are the current windows: the organization's hourly limit,
	// and for one token its minute and hour limits too.
	Limits []LimitUsage
	// Throttled lists the refused requests of the 24 h before Until,
	// newest first; ThrottledTotal adds them up.
	Throttled      []Throttle
	ThrottledTotal int64
}

// Usage returns the usage figures of p.
func (s *Service) Usage(ctx context.Context, p *UsageParams) (*Usage, error) {
	now := s.now()
	u := &Usage{OrganizationID: p.OrganizationID, TokenID: p.TokenID, Until: p.Until, Since: p.Since}
	if u.Until.IsZero() {
		u.Until = now
	}
	if u.Since.IsZero() {
		u.Since = u.Until.Add(-UsageWindowDefault)
	}
	u.Since = u.Since.UTC().Truncate(usageBucket)
	if end := u.Until.UTC().Truncate(usageBucket); end.Equal(u.Until) {
		u.Until = end
	} else {
		u.Until = end.Add(usageBucket)
	}
	rows, err := s.store.APIUsageSum(ctx, &storage.APIUsageParams{OrganizationID: p.OrganizationID, TokenID: p.TokenID,
		Time: storage.TimeRange{Since: u.Since, Until: u.Until}})
	if err != nil {
		return nil, fmt.Errorf("apiaccess: usage: %w", err)
	}
	names, err := s.tokenNames(ctx, p.OrganizationID)
	if err != nil {
		return nil, err
	}
	u.summarise(rows, names, p.Top)
	if err := s.throttled(ctx, u); err != nil {
		return nil, err
	}
	if u.Limits, err = s.currentLimits(ctx, p, now); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) tokenNames(ctx context.Context, orgID uuid.UUID) (map[uuid.UUID]string, error) {
	infos, err := s.store.APITokenInfoList(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("apiaccess: usage: %w", err)
	}
	names := make(map[uuid.UUID]string, len(infos))
	for _, t := range infos {
		names[t.ID] = t.Name
	}
	return names, nil
}

// summarise adds up rows into totals, endpoints and tokens.
func (u *Usage) summarise(rows []*storage.APIUsageCount, names map[uuid.UUID]string, top int) {
	routes, tokens := map[string]*EndpointUsage{}, map[uuid.UUID]*TokenUsage{}
	for _, r := range rows {
		u.add(r.StatusClass, r.Requests)
		e := routes[r.Route]
		if e == nil {
			e = &EndpointUsage{Route: r.Route}
			routes[r.Route] = e
		}
		e.add(r.StatusClass, r.Requests)
		t := tokens[r.TokenID]
		if t == nil {
			t = &TokenUsage{TokenID: r.TokenID, Name: names[r.TokenID]}
			tokens[r.TokenID] = t
		}
		t.add(r.StatusClass, r.Requests)
	}
	u.finish()
	for _, e := range routes {
		e.finish()
		u.Endpoints = append(u.Endpoints, *e)
	}
	sort.Slice(u.Endpoints, func(i, j int) bool {
		a, b := u.Endpoints[i], u.Endpoints[j]
		return a.Total > b.Total || (a.Total == b.Total && a.Route < b.Route)
	})
	if top <= 0 {
		top = TopDefault
	}
	u.TopEndpoints = u.Endpoints[:min(top, len(u.Endpoints))]
	for _, t := range tokens {
		t.finish()
		u.Tokens = append(u.Tokens, *t)
	}
	sort.Slice(u.Tokens, func(i, j int) bool {
		a, b := u.Tokens[i], u.Tokens[j]
		return a.Total > b.Total || (a.Total == b.Total && a.TokenID.String() < b.TokenID.String())
	})
}

// throttled fills in the refused requests of the 24 h before Until.
func (s *Service) throttled(ctx context.Context, u *Usage) error {
	rows, err := s.store.APIThrottleList(ctx, &storage.APIUsageParams{OrganizationID: u.OrganizationID, TokenID: u.TokenID,
		Time: storage.TimeRange{Since: u.Until.Add(-ThrottleWindow), Until: u.Until}})
	if err != nil {
		return fmt.Errorf("apiaccess: throttled requests: %w", err)
	}
	for _, r := range rows {
		u.Throttled = append(u.Throttled, Throttle{TokenID: r.TokenID, Route: r.Route, Limit: r.Limit,
			Requests: r.Requests, FirstAt: r.FirstAt, LastAt: r.LastAt})
		u.ThrottledTotal += r.Requests
	}
	return nil
}

// currentLimits measures the current windows of the limits that apply:
// requests recorded in the window less those refused.
func (s *Service) currentLimits(ctx context.Context, p *UsageParams, now time.Time) ([]LimitUsage, error) {
	kinds := []Limit{LimitOrgHour}
	maxes := map[Limit]int{LimitOrgHour: s.cfg.OrgPerHour}
	if p.TokenID != uuid.Nil {
		info, err := s.store.APITokenInfoGet(ctx, p.OrganizationID, p.TokenID)
		if err != nil {
			return nil, fmt.Errorf("apiaccess: usage: %w", err)
		}
		kinds = []Limit{LimitTokenMinute, LimitTokenHour, LimitOrgHour}
		maxes[LimitTokenMinute], maxes[LimitTokenHour] = s.limitsOf(info)
	}
	out := make([]LimitUsage, 0, len(kinds))
	for _, k := range kinds {
		start := now.Truncate(k.Period())
		q := &storage.APIUsageParams{OrganizationID: p.OrganizationID, Time: storage.TimeRange{Since: start, Until: start.Add(k.Period())}}
		if k != LimitOrgHour {
			q.TokenID = p.TokenID
		}
		used, err := s.admitted(ctx, q)
		if err != nil {
			return nil, err
		}
		lu := LimitUsage{Limit: k, Max: maxes[k], Used: used, WindowStart: start, WindowEnd: start.Add(k.Period())}
		lu.UsedPct = pct(used, int64(lu.Max))
		out = append(out, lu)
	}
	return out, nil
}

// admitted counts the requests of q that no limit refused.
func (s *Service) admitted(ctx context.Context, q *storage.APIUsageParams) (int64, error) {
	rows, err := s.store.APIUsageSum(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("apiaccess: usage: %w", err)
	}
	thr, err := s.store.APIThrottleList(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("apiaccess: usage: %w", err)
	}
	var n int64
	for _, r := range rows {
		n += r.Requests
	}
	for _, t := range thr {
		n -= t.Requests
	}
	return n, nil
}
