package webhook

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/intimeos/integrations/storage"
)

// Pauses between the tries of a parked row: from parkFirst, doubling up to
// parkMax. They bound how long deliveries wait once the store is back
// after an outage.
const (
	parkFirst = 250 * time.Millisecond
	parkMax   = 2 * time.Second
)

// parking holds claimed rows whose subscription could not be loaded (the
// database is unreachable, say) until their next try. A parked row keeps
// its lease, so no other worker takes it, but not its place: it waits for
// a free place again when its pause ends, so that rows which cannot be
// attempted never take every worker. Rows used to stay leased, unattempted,
// until the lease ended (6 min by default), and they counted against their
// subscription's PerSubscriptionLimit meanwhile: a short outage stalled
// whole subscriptions for the lease.
type parking struct {
	mu   sync.Mutex
	jobs []*job
	// kick wakes the park loop when a row is parked.
	kick chan struct{}
}

func newParking() *parking { return &parking{kick: make(chan struct{}, 1)} }

// add parks j until j.retryAt.
func (p *parking) add(j *job) {
	p.mu.Lock()
	p.jobs = append(p.jobs, j)
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// due removes and returns the rows whose pause has ended, and says how long
// until the next one's ends (0 when none is parked).
func (p *parking) due(now time.Time) ([]*job, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*job
	next := time.Duration(0)
	kept := p.jobs[:0]
	for _, j := range p.jobs {
		if wait := j.retryAt.Sub(now); wait > 0 {
			kept = append(kept, j)
			if next == 0 || wait < next {
				next = wait
			}
			continue
		}
		out = append(out, j)
	}
	clear(p.jobs[len(kept):])
	p.jobs = kept
	return out, next
}

// drain removes and returns every parked row.
func (p *parking) drain() []*job {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.jobs
	p.jobs = nil
	return out
}

// park sets a row aside after its subscription could not be loaded, to be
// tried again after a pause, while its lease leaves room for an attempt.
// A row whose subscription is gone is released (its rows are deleted with
// it); one whose lease would end first is dropped: the lease then expires
// and the row is due again at once (a claim takes rows whose lease has
// ended, and the lease no longer counts against the cap).
func (d *Dispatcher) park(j *job, r *runner, why error) {
	if errors.Is(why, storage.ErrNotFound) {
		d.release(j, why)
		return
	}
	pause := min(parkFirst<<min(j.waits, 8), parkMax)
	j.waits++
	if !d.now().Add(pause + leaseMargin).Before(j.leaseEnd) {
		d.cfg.Logger.Error("webhook: cannot load the delivery's subscription; leaving it to its lease",
			"delivery", j.row.ID, "webhook", j.row.WebhookID, "tries", j.waits, "err", why)
		return
	}
	level := d.cfg.Logger.Debug
	if j.waits == 1 {
		level = d.cfg.Logger.Warn
	}
	level("webhook: cannot load the delivery's subscription; trying again shortly",
		"delivery", j.row.ID, "webhook", j.row.WebhookID, "retry_in", pause, "err", why)
	j.retryAt = time.Now().Add(pause)
	r.parked.add(j)
}

// parkLoop hands parked rows back to the workers when their pause ends,
// each once a place is free, until ctx ends.
func (d *Dispatcher) parkLoop(ctx context.Context, r *runner) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		jobs, next := r.parked.due(time.Now())
		for i, j := range jobs {
			select {
			case <-r.slots:
				r.jobs <- j // the place taken guarantees room
			case <-ctx.Done():
				for _, j := range jobs[i:] {
					r.parked.add(j) // released by shutDown
				}
				return
			}
		}
		if next == 0 {
			next = time.Hour
		}
		resetTimer(timer, next)
		select {
		case <-ctx.Done():
			return
		case <-r.parked.kick:
		case <-timer.C:
		}
	}
}

// releaseParked returns the parked rows to the queue (Stop).
func (r *runner) releaseParked(release func(*job, error)) {
	for _, j := range r.parked.drain() {
		release(j, errors.New("shutting down"))
	}
}
