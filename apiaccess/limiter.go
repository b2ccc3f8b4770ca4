package apiaccess

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// Limit names one of the three limits a request is held to.
type Limit uint8

// The limits, in the order a request takes from them.
const (
	LimitTokenMinute Limit = iota
	LimitTokenHour
	LimitOrgHour
	limitCount
)

// String returns "token_minute", "token_hour" or "org_hour".
func (l Limit) String() string {
	return [...]string{"token_minute", "token_hour", "org_hour"}[l]
}

// Period returns the window of the limit.
func (l Limit) Period() time.Duration {
	if l == LimitTokenMinute {
		return time.Minute
	}
	return time.Hour
}

// storeKey is the limit's key in the store.
func (l Limit) storeKey(id uuid.UUID) string {
	return [...]string{"t:", "t:", "o:"}[l] + id.String() + [...]string{":m", ":h", ":h"}[l]
}

// bucketKey names a bucket: a token's or an organization's limit.
type bucketKey struct {
	id   uuid.UUID
	kind Limit
}

// errStore marks a store failure seen by the rate limiter.
var errStore = errors.New("apiaccess: rate limit store unavailable")

// limiter admits requests against budgets leased from the store. See the
// package doc, "Rate limits across hosts".
type limiter struct {
	store storage.APIRateStore
	cfg   *Config

	buckets sync.Map // bucketKey -> *bucket

	bgMu   sync.Mutex
	closed bool
	bg     sync.WaitGroup
}

// decision is the outcome of [limiter.admit].
type decision struct {
	ok bool
	// refused is the limit that refused the request.
	refused Limit
	// retryAt is when every spent window the request needs has ended.
	retryAt time.Time
	// view is the limit with the least room, for the response headers.
	view view
	err  error
}

// view is what the response headers show of one limit.
type view struct {
	kind      Limit
	limit     int
	remaining int
	reset     time.Time
}

// admit takes one request from the token's and the organization's
// budgets, or none of them.
func (l *limiter) admit(ctx context.Context, p *Principal, now time.Time) decision {
	limits := [limitCount]int{p.perMinute, p.perHour, l.cfg.OrgPerHour}
	var taken [limitCount]view
	var d decision
	for k := range limitCount {
		v, ok, err := l.takeLimit(ctx, p, k, limits[k], now)
		if err != nil || !ok {
			for j := range k {
				l.bucket(p, j).giveBack(taken[j].reset)
			}
			if err != nil {
				return decision{err: err}
			}
			return decision{refused: k, retryAt: l.retryAt(p, k, now), view: v}
		}
		taken[k] = v
		if k == 0 || v.remaining < d.view.remaining {
			d.view = v
		}
	}
	d.ok = true
	return d
}

// takeLimit takes one request from the bucket of limit k, finding the
// bucket again if sweep dropped it meanwhile.
func (l *limiter) takeLimit(ctx context.Context, p *Principal, k Limit, limit int, now time.Time) (view, bool, error) {
	for {
		v, ok, err := l.take(ctx, l.bucket(p, k), limit, now)
		if err != errDeadBucket {
			v.kind = k
			return v, ok, err
		}
	}
}

// retryAt is when the refused window ends, or a later limit's window if
// that one is spent too: the request can pass only once both have ended.
func (l *limiter) retryAt(p *Principal, refused Limit, now time.Time) time.Time {
	var at time.Time
	for k := refused; k < limitCount; k++ {
		b := l.bucket(p, k)
		b.mu.Lock()
		if k == refused || (b.avail == 0 && now.Before(b.exhaustedUntil)) {
			at = maxTime(at, b.end)
		}
		b.mu.Unlock()
	}
	return at
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// bucket returns the bucket of limit k for p, making it on first use.
func (l *limiter) bucket(p *Principal, k Limit) *bucket {
	key := bucketKey{p.TokenID, k}
	if k == LimitOrgHour {
		key.id = p.OrganizationID
	}
	if b, ok := l.buckets.Load(key); ok {
		return b.(*bucket)
	}
	b, _ := l.buckets.LoadOrStore(key, &bucket{key: k.storeKey(key.id), org: p.OrganizationID, period: k.Period()})
	return b.(*bucket)
}

// errDeadBucket tells take's caller to find the bucket again.
var errDeadBucket = errors.New("apiaccess: bucket dropped")

// take admits one request against b, leasing more budget when it has none.
func (l *limiter) take(ctx context.Context, b *bucket, limit int, now time.Time) (view, bool, error) {
	for {
		b.mu.Lock()
		if b.dead {
			b.mu.Unlock()
			return view{}, false, errDeadBucket
		}
		b.roll(now, limit)
		switch {
		case b.avail > 0:
			b.avail--
			b.used++
			b.lastUse = now
			if b.first.IsZero() {
				b.first = now
			}
			v := b.view()
			l.prefetchLocked(b, now)
			b.mu.Unlock()
			return v, true, nil
		case now.Before(b.exhaustedUntil):
			v := b.view()
			b.mu.Unlock()
			return v, false, nil
		case now.Before(b.failedUntil):
			b.mu.Unlock()
			return view{}, false, errStore
		case b.refill != nil:
			ch := b.refill
			b.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return view{}, false, ctx.Err()
			}
		}
		want, start := b.want(l.cfg, now), b.start
		b.refill = make(chan struct{})
		b.mu.Unlock()
		l.lease(ctx, b, start, want, now)
	}
}

// prefetchLocked starts a lease in the background when b runs low, so the
// next requests find budget in memory.
func (l *limiter) prefetchLocked(b *bucket, now time.Time) {
	target := b.target(l.cfg, now)
	if b.refill != nil || b.avail*2 >= target || now.Before(b.exhaustedUntil) || now.Before(b.failedUntil) {
		return
	}
	l.bgMu.Lock()
	defer l.bgMu.Unlock()
	if l.closed {
		return
	}
	want, start := target-b.avail, b.start
	b.refill = make(chan struct{})
	l.bg.Go(func() { l.lease(context.Background(), b, start, want, now) })
}

// lease asks the store for want more of b's window that starts at start,
// then wakes whoever waits for it. It outlives the request's context: a
// lease cancelled after the store granted it would lose that budget.
func (l *limiter) lease(ctx context.Context, b *bucket, start time.Time, want int, now time.Time) {
	b.mu.Lock()
	p := &storage.APIRateLeaseParams{Key: b.key, OrganizationID: b.org, WindowStart: start,
		WindowEnd: start.Add(b.period), Limit: b.limit, Want: max(want, 1)}
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.cfg.StoreTimeout)
	gs, err := l.store.APIRateLease(ctx, []*storage.APIRateLeaseParams{p})
	cancel()
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.refill)
	b.refill = nil
	if err != nil {
		b.failedUntil = now.Add(l.cfg.Recheck)
		l.cfg.Logger.Error("apiaccess: lease rate budget", "key", b.key, "error", err)
		return
	}
	b.apply(start, gs[0], now, l.cfg.Recheck)
}

// sweep gives back the budget of buckets idle for IdleReturn (or of every
// bucket, when all is set), and forgets buckets idle for a whole period.
func (l *limiter) sweep(ctx context.Context, now time.Time, all bool) error {
	var ret []*storage.APIRateReturnParams
	l.buckets.Range(func(k, v any) bool {
		b := v.(*bucket)
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.refill != nil {
			return true
		}
		if b.avail > 0 && now.Before(b.end) && (all || now.Sub(b.lastUse) >= l.cfg.IdleReturn) {
			ret = append(ret, &storage.APIRateReturnParams{Key: b.key, WindowStart: b.start, N: b.avail})
			b.avail = 0
		}
		if b.avail == 0 && !now.Before(b.end.Add(b.period)) {
			b.dead = true
			l.buckets.Delete(k)
		}
		return true
	})
	if len(ret) == 0 {
		return nil
	}
	return l.store.APIRateReturn(ctx, ret)
}

// close stops background leases and waits for those in flight.
func (l *limiter) close() {
	l.bgMu.Lock()
	l.closed = true
	l.bgMu.Unlock()
	l.bg.Wait()
}

// bucket is this host's share of one limit's current window.
type bucket struct {
	key    string
	org    uuid.UUID
	period time.Duration

	mu         sync.Mutex
	start, end time.Time
	limit      int
	// avail is leased and not yet used; used is what this host admitted in
	// the window; total is what all hosts had leased at the last lease.
	avail, used, total int
	// rate is this host's requests per second in the previous window;
	// first and lastUse are this host's first and last request in the
	// current one.
	rate           float64
	first, lastUse time.Time
	// exhaustedUntil: the store had nothing left; refuse from memory
	// until then. failedUntil: the store failed; answer 503 until then.
	exhaustedUntil time.Time
	failedUntil    time.Time
	// refill is closed when the lease in flight ends.
	refill chan struct{}
	// dead buckets were dropped from the map by sweep.
	dead bool
}

// roll moves b to the window of now when its window has ended. A request
// older than b's window (it waited) counts in b's window.
func (b *bucket) roll(now time.Time, limit int) {
	b.limit = limit
	if !b.end.IsZero() && now.Before(b.end) {
		return
	}
	b.rate = 0
	if !b.end.IsZero() && now.Before(b.end.Add(b.period)) {
		b.rate = float64(b.used) / b.period.Seconds()
	}
	b.start = now.Truncate(b.period)
	b.end = b.start.Add(b.period)
	b.avail, b.used, b.total = 0, 0, 0
	b.first = time.Time{}
	b.exhaustedUntil, b.failedUntil = time.Time{}, time.Time{}
}

// target is how much budget b should hold: LeaseAhead of this host's rate,
// within [1, chunk]. The rate is measured from this host's first request
// in the window (not the window's start, which may be long before), over
// LeaseAhead at least: a burst doubles the target with each lease.
func (b *bucket) target(cfg *Config, now time.Time) int {
	chunk := cfg.chunk(b.limit)
	since := b.first
	if since.IsZero() {
		since = now
	}
	elapsed := max(now.Sub(since), cfg.LeaseAhead)
	rate := max(b.rate, float64(b.used)/elapsed.Seconds())
	return max(1, min(chunk, int(math.Ceil(rate*cfg.LeaseAhead.Seconds()))))
}

// want is how much to lease now.
func (b *bucket) want(cfg *Config, now time.Time) int { return max(1, b.target(cfg, now)-b.avail) }

// apply adds a grant to b, if b is still in the window it was asked for.
func (b *bucket) apply(start time.Time, g *storage.APIRateGrant, now time.Time, recheck time.Duration) {
	if !b.start.Equal(start) {
		return
	}
	b.avail += g.Granted
	b.total = g.Total
	if g.Granted == 0 {
		b.exhaustedUntil = minTime(b.end, now.Add(recheck))
	}
}

// giveBack returns one request taken in the window that ends at end.
func (b *bucket) giveBack(end time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.end.Equal(end) && b.used > 0 {
		b.avail++
		b.used--
	}
}

// view returns what the headers show of b: remaining is what the store had
// left at the last lease plus what this host holds.
func (b *bucket) view() view {
	rem := max(0, b.limit-b.total) + b.avail
	if b.limit-b.total < 0 {
		rem = b.avail
	}
	return view{limit: b.limit, remaining: rem, reset: b.end}
}
