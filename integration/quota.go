package integration

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
)

// The settings that set an integration's quota: the SMTP form's "Max
// emails/hour" (rateLimitHour, §17) and "Max emails/day" (25,000 by
// default, §4). An integration whose settings have no rateLimitHour has
// no quota.
const (
	SettingRateLimitHour = "rateLimitHour"
	SettingRateLimitDay  = "rateLimitDay"
)

// quotaTable holds this process's quota leases, one per integration. They
// outlive the resolver's cache, so that a rebuilt route keeps the units
// its integration reserved.
type quotaTable struct {
	m      *Manager
	mu     sync.Mutex
	leases map[uuid.UUID]*quotaLease
}

func newQuotaTable(m *Manager) *quotaTable {
	return &quotaTable{m: m, leases: map[uuid.UUID]*quotaLease{}}
}

// lease returns the lease of an integration with settings s, or nil when
// it has no quota.
func (qt *quotaTable) lease(orgID, id uuid.UUID, s providers.Settings) *quotaLease {
	hourly, err := strconv.Atoi(s[SettingRateLimitHour])
	if err != nil || hourly <= 0 {
		return nil
	}
	daily, err := strconv.Atoi(s[SettingRateLimitDay])
	if err != nil || daily <= 0 {
		daily = providers.DailyLimitDefault
	}
	qt.mu.Lock()
	defer qt.mu.Unlock()
	q := qt.leases[id]
	if q == nil {
		q = &quotaLease{m: qt.m, key: providers.QuotaKey{OrganizationID: orgID, IntegrationID: id}}
		qt.leases[id] = q
	}
	q.setLimits(hourly, daily)
	return q
}

// forget drops an integration's lease (a deleted integration); its units
// die with the counters' window.
func (qt *quotaTable) forget(id uuid.UUID) {
	qt.mu.Lock()
	delete(qt.leases, id)
	qt.mu.Unlock()
}

// giveBack returns every lease's unspent units.
func (qt *quotaTable) giveBack(ctx context.Context) {
	qt.mu.Lock()
	leases := make([]*quotaLease, 0, len(qt.leases))
	for _, q := range qt.leases {
		leases = append(leases, q)
	}
	qt.mu.Unlock()
	for _, q := range leases {
		q.giveBack(ctx)
	}
}

// quotaLease enforces an integration's hourly and daily limits with the
// counters of [providers.Quota] (metric buckets "quota.hour" and
// "quota.day", shared by every host), without a store write per call: it
// reserves units in blocks and spends them locally. A reservation adds a
// block to the window's counter; what would go over the limit is given
// back at once, so the counters never pass the limit. Unspent units are
// given back when the window ends and on [Manager.Stop]; a process killed
// first leaves at most one block per window counted but unused, which
// only makes the limit stricter for the rest of that window.
type quotaLease struct {
	m   *Manager
	key providers.QuotaKey

	mu    sync.Mutex
	wins  [2]quotaWindow // hourly, daily
	block [2]int
}

// quotaWindow is one limit's window and the units held in it.
type quotaWindow struct {
	name   string
	metric string
	limit  int
	start  time.Time
	end    time.Time
	held   int64
}

func (q *quotaLease) setLimits(hourly, daily int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.wins[0].name, q.wins[0].metric, q.wins[0].limit = "hourly", providers.QuotaMetricDefault+".hour", hourly
	q.wins[1].name, q.wins[1].metric, q.wins[1].limit = "daily", providers.QuotaMetricDefault+".day", daily
	for i := range q.wins {
		q.block[i] = min(q.m.cfg.QuotaBlock, max(1, q.wins[i].limit/100))
	}
}

// windowAt returns window i's bounds at now, as providers.Quota computes
// them.
func windowAt(i int, now time.Time) (start, end time.Time) {
	if i == 0 {
		start = now.Truncate(time.Hour)
		return start, start.Add(time.Hour)
	}
	y, mo, d := now.Date()
	start = time.Date(y, mo, d, 0, 0, 0, 0, now.Location())
	return start, start.AddDate(0, 0, 1)
}

// take spends one unit of each window, reserving a block where none is
// held; a window that grants nothing refuses the call with a
// *providers.QuotaError.
func (q *quotaLease) take(ctx context.Context) error {
	now := q.m.cfg.Clock()
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range q.wins {
		w := &q.wins[i]
		if !now.Before(w.end) || now.Before(w.start) {
			q.endWindowLocked(ctx, w)
			w.start, w.end = windowAt(i, now)
		}
		if w.held == 0 {
			if err := q.reserveLocked(ctx, w, int64(q.block[i])); err != nil {
				return err
			}
		}
		if w.held == 0 {
			return &providers.QuotaError{Window: w.name, Limit: w.limit, RetryAfter: w.end.Sub(now)}
		}
	}
	for i := range q.wins {
		q.wins[i].held--
	}
	return nil
}

// release gives back the unit of a call that failed, if its windows are
// still current.
func (q *quotaLease) release(taken time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range q.wins {
		if w := &q.wins[i]; !taken.Before(w.start) && taken.Before(w.end) {
			w.held++
		}
	}
}

// reserveLocked adds n units to w's counter and keeps what fits under the
// limit, giving the rest back.
func (q *quotaLease) reserveLocked(ctx context.Context, w *quotaWindow, n int64) error {
	b, err := q.add(ctx, w, n)
	if err != nil {
		return err
	}
	if over := b.Count - int64(w.limit); over > 0 {
		back := min(over, n)
		if _, err := q.add(context.WithoutCancel(ctx), w, -back); err != nil {
			return err
		}
		n -= back
	}
	w.held = n
	return nil
}

// endWindowLocked gives back the units held in a window that is over.
func (q *quotaLease) endWindowLocked(ctx context.Context, w *quotaWindow) {
	if w.held > 0 {
		_, _ = q.add(context.WithoutCancel(ctx), w, -w.held)
	}
	w.held = 0
}

func (q *quotaLease) giveBack(ctx context.Context) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range q.wins {
		q.endWindowLocked(ctx, &q.wins[i])
	}
}

func (q *quotaLease) add(ctx context.Context, w *quotaWindow, n int64) (*storage.MetricBucket, error) {
	return q.m.store.MetricAdd(ctx, &storage.MetricAddParams{OrganizationID: q.key.OrganizationID,
		IntegrationID: q.key.IntegrationID, Metric: w.metric, BucketStart: w.start, Count: n})
}

// QuotaUsage returns an integration's use of its limits, as the form shows
// it ("247 today (1% of daily limit)"), or nil when it has no quota. The
// counts leave out the units this process reserved and has not spent, and
// include those other hosts hold (at most Config.QuotaBlock per host and
// window), so on one host they are exact.
func (m *Manager) QuotaUsage(ctx context.Context, orgID, id uuid.UUID) (*providers.Usage, error) {
	in, err := m.store.IntegrationGet(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	s, err := decodeSettings(in.Config)
	if err != nil {
		return nil, err
	}
	hourly, err := strconv.Atoi(s[SettingRateLimitHour])
	if err != nil || hourly <= 0 {
		return nil, nil
	}
	daily, err := strconv.Atoi(s[SettingRateLimitDay])
	if err != nil || daily <= 0 {
		daily = providers.DailyLimitDefault
	}
	q, err := providers.NewQuota(&providers.QuotaConfig{Store: m.store, HourlyLimit: hourly, DailyLimit: daily,
		Clock: m.cfg.Clock})
	if err != nil {
		return nil, err
	}
	u, err := q.Usage(ctx, providers.QuotaKey{OrganizationID: orgID, IntegrationID: id})
	if err != nil || u == nil {
		return u, err
	}
	hour, day := m.quotas.unspent(id, m.cfg.Clock())
	u.Hour, u.Today = max(0, u.Hour-hour), max(0, u.Today-day)
	return u, nil
}

// unspent returns the units this process holds for an integration in the
// current hour and day: reserved in the counters, not yet used.
func (qt *quotaTable) unspent(id uuid.UUID, now time.Time) (hour, day int64) {
	qt.mu.Lock()
	q := qt.leases[id]
	qt.mu.Unlock()
	if q == nil {
		return 0, 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	var held [2]int64
	for i := range q.wins {
		if w := &q.wins[i]; !now.Before(w.start) && now.Before(w.end) {
			held[i] = w.held
		}
	}
	return held[0], held[1]
}
