package apiaccess

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// usageBucket is the length of a usage bucket.
const usageBucket = time.Minute

type countKey struct {
	org, token uuid.UUID
	minute     int64
	route      string
	class      int8
}

type throttleKey struct {
	org, token uuid.UUID
	minute     int64
	route      string
	limit      Limit
}

type throttleAgg struct {
	n           int64
	first, last time.Time
}

type useAgg struct {
	org uuid.UUID
	at  time.Time
}

// recorder adds up usage in memory, for the background loop to write in
// one batch. A request costs one map update under a mutex.
type recorder struct {
	max     int
	dropped atomic.Int64

	mu        sync.Mutex
	counts    map[countKey]int64
	throttles map[throttleKey]*throttleAgg
	uses      map[uuid.UUID]useAgg
}

func newRecorder(max int) *recorder {
	r := &recorder{max: max}
	r.reset()
	return r
}

func (r *recorder) reset() {
	r.counts = map[countKey]int64{}
	r.throttles = map[throttleKey]*throttleAgg{}
	r.uses = map[uuid.UUID]useAgg{}
}

func (r *recorder) pendingLocked() int { return len(r.counts) + len(r.throttles) + len(r.uses) }

// statusClass maps a status to its class: 2, 4, 5, or 0 for any other.
func statusClass(status int) int8 {
	switch c := status / 100; c {
	case 2, 4, 5:
		return int8(c)
	}
	return 0
}

// request records one answered request.
func (r *recorder) request(p *Principal, route string, status int, at time.Time) {
	k := countKey{org: p.OrganizationID, token: p.TokenID, minute: at.Unix() / 60, route: route, class: statusClass(status)}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.counts[k]; !ok && r.pendingLocked() >= r.max {
		r.dropped.Add(1)
		return
	}
	r.counts[k]++
	if u, ok := r.uses[p.TokenID]; !ok || at.After(u.at) {
		r.uses[p.TokenID] = useAgg{org: p.OrganizationID, at: at}
	}
}

// throttle records one request refused by limit.
func (r *recorder) throttle(p *Principal, route string, limit Limit, at time.Time) {
	k := throttleKey{org: p.OrganizationID, token: p.TokenID, minute: at.Unix() / 60, route: route, limit: limit}
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.throttles[k]
	if !ok {
		if r.pendingLocked() >= r.max {
			r.dropped.Add(1)
			return
		}
		a = &throttleAgg{first: at, last: at}
		r.throttles[k] = a
	}
	a.n++
	if at.Before(a.first) {
		a.first = at
	}
	if at.After(a.last) {
		a.last = at
	}
}

// take empties the recorder into a batch.
func (r *recorder) take() *storage.APIUsageBatch {
	r.mu.Lock()
	counts, throttles, uses := r.counts, r.throttles, r.uses
	r.reset()
	r.mu.Unlock()
	b := &storage.APIUsageBatch{}
	for k, n := range counts {
		b.Counts = append(b.Counts, &storage.APIUsageCount{OrganizationID: k.org, TokenID: k.token,
			BucketStart: time.Unix(k.minute*60, 0).UTC(), Route: k.route, StatusClass: int(k.class), Requests: n})
	}
	for k, a := range throttles {
		b.Throttles = append(b.Throttles, &storage.APIThrottleCount{OrganizationID: k.org, TokenID: k.token,
			BucketStart: time.Unix(k.minute*60, 0).UTC(), Route: k.route, Limit: k.limit.String(), Requests: a.n,
			FirstAt: a.first, LastAt: a.last})
	}
	for id, u := range uses {
		b.Uses = append(b.Uses, &storage.APITokenUse{OrganizationID: u.org, TokenID: id, At: u.at})
	}
	return b
}

// putBack merges a batch that could not be written into the recorder, for
// the next flush, as far as MaxPending allows.
func (r *recorder) putBack(b *storage.APIUsageBatch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range b.Counts {
		k := countKey{org: c.OrganizationID, token: c.TokenID, minute: c.BucketStart.Unix() / 60, route: c.Route, class: int8(c.StatusClass)}
		if _, ok := r.counts[k]; !ok && r.pendingLocked() >= r.max {
			r.dropped.Add(c.Requests)
			continue
		}
		r.counts[k] += c.Requests
	}
	for _, t := range b.Throttles {
		k := throttleKey{org: t.OrganizationID, token: t.TokenID, minute: t.BucketStart.Unix() / 60, route: t.Route, limit: limitNamed(t.Limit)}
		a, ok := r.throttles[k]
		if !ok {
			if r.pendingLocked() >= r.max {
				r.dropped.Add(t.Requests)
				continue
			}
			a = &throttleAgg{first: t.FirstAt, last: t.LastAt}
			r.throttles[k] = a
		}
		a.n += t.Requests
		a.first, a.last = minTime(a.first, t.FirstAt), maxTime(a.last, t.LastAt)
	}
	for _, u := range b.Uses {
		if cur, ok := r.uses[u.TokenID]; !ok || u.At.After(cur.at) {
			r.uses[u.TokenID] = useAgg{org: u.OrganizationID, at: u.At}
		}
	}
}

func limitNamed(name string) Limit {
	for k := range limitCount {
		if k.String() == name {
			return k
		}
	}
	return LimitOrgHour
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
