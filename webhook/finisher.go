package webhook

import (
	"context"
	"errors"
	"time"

	"github.com/intimeos/integrations/storage"
)

// finishBatchWait is how long the finisher waits for more results once it
// has one, before it records what it has. Results that arrive while a
// batch is being written wait for that write anyway, so under load batches
// fill without waiting; the linger only groups results that trickle in.
const finishBatchWait = 500 * time.Microsecond

// finishRecordTimeout bounds the recording of one batch. Recording
// outlives a shutdown deadline: the attempts were made.
const finishRecordTimeout = 30 * time.Second

// finishItem is an attempt's result waiting to be recorded.
type finishItem struct {
	params *storage.DeliveryFinishParams
	// dead, when set, is reported to Config.OnDeadLetter once recorded.
	dead *DeadLetter
	// leaseEnd is when the row's lease ends (Config.Clock): recording is
	// worth retrying until then.
	leaseEnd time.Time
}

// finisher records the workers' attempts in batches, one transaction
// ([storage.DeliveryQueue.DeliveryFinishBatch]) for up to BatchSize
// results, so that a busy dispatcher does not pay a commit per attempt
// (SQLite's single writer serialises them; each costs PostgreSQL a round
// trip and a WAL flush). A worker hands its result over and moves on: the
// row stays leased under its claim until the batch commits, so fencing and
// the per-subscription cap hold meanwhile, and a process that dies first
// leaves the row to the reaper (at-least-once). The channel is bounded, so
// workers wait when recording falls behind.
type finisher struct {
	d    *Dispatcher
	in   chan *finishItem
	max  int
	wait time.Duration
	done chan struct{}
	// quit ends retries of failed recordings (Stop).
	quit chan struct{}
}

// startFinisher starts the goroutine that records results.
func (d *Dispatcher) startFinisher() *finisher {
	f := &finisher{d: d, in: make(chan *finishItem, d.cfg.BatchSize), max: d.cfg.BatchSize, wait: finishBatchWait,
		done: make(chan struct{}), quit: make(chan struct{})}
	go f.run()
	return f
}

// add queues a result; it blocks while the queue is full.
func (f *finisher) add(it *finishItem) { f.in <- it }

// close records every queued result (trying each once more at most, if
// the store is failing) and stops the finisher. No add may follow or run
// concurrently.
func (f *finisher) close() {
	close(f.quit)
	close(f.in)
	<-f.done
}

// run collects results, up to max of them or for up to wait after the
// first, and records each batch, until the queue is closed and empty.
func (f *finisher) run() {
	defer close(f.done)
	batch := make([]*finishItem, 0, f.max)
	timer := time.NewTimer(f.wait)
	defer timer.Stop()
	for {
		it, ok := <-f.in
		if !ok {
			return
		}
		batch = append(batch[:0], it)
		timer.Reset(f.wait)
	collect:
		for len(batch) < f.max {
			var it *finishItem
			var ok bool
			select {
			case it, ok = <-f.in: // queued while the last batch was written
			default:
				select {
				case it, ok = <-f.in:
				case <-timer.C:
					break collect
				}
			}
			if !ok {
				break collect
			}
			batch = append(batch, it)
		}
		timer.Stop()
		f.record(batch)
		clear(batch)
	}
}

// Retries of a recording that failed for want of the store: from
// recordRetryFirst, doubling up to recordRetryMax, while the leases last.
const (
	recordRetryFirst = 50 * time.Millisecond
	recordRetryMax   = 5 * time.Second
)

// record records a batch; the results that fail for want of the store (not
// for their lease) are tried again, with growing pauses, until just before
// their leases end or Stop. Recorded in time, an attempt is not made again
// once the lease expires: a short outage of the store does not make every
// attempt in flight reach its endpoint twice.
func (f *finisher) record(items []*finishItem) {
	pause := recordRetryFirst
	for {
		items = f.d.recordOnce(items)
		if len(items) == 0 {
			return
		}
		deadline := items[0].leaseEnd
		for _, it := range items[1:] {
			deadline = minTime(deadline, it.leaseEnd)
		}
		if !f.d.now().Add(pause + leaseMargin).Before(deadline) {
			f.d.cfg.Logger.Error("webhook: giving up recording attempts; they will be made again after their leases",
				"attempts", len(items))
			return
		}
		select {
		case <-f.quit:
			f.d.recordOnce(items) // one last try on the way out
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, recordRetryMax)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// recordOnce writes a batch of results in one transaction; when the batch
// fails as a whole, it records the results one by one. It returns the
// results that could not be recorded for want of the store; a result whose
// lease is gone is logged and dropped (another worker has the row).
func (d *Dispatcher) recordOnce(items []*finishItem) []*finishItem {
	ctx, cancel := context.WithTimeout(context.Background(), finishRecordTimeout)
	defer cancel()
	ps := make([]*storage.DeliveryFinishParams, len(items))
	for i, it := range items {
		ps[i] = it.params
	}
	errs, err := d.store.DeliveryFinishBatch(ctx, ps)
	if err != nil {
		d.cfg.Logger.Warn("webhook: record attempts in a batch; recording them one by one", "attempts", len(ps), "err", err)
		cancel()
		ctx, cancel = context.WithTimeout(context.Background(), finishRecordTimeout)
		defer cancel()
		errs = make([]error, len(ps))
		for i, p := range ps {
			_, errs[i] = d.store.DeliveryFinish(ctx, p)
		}
	}
	var failed []*finishItem
	for i, it := range items {
		switch {
		case errs[i] == nil:
			if it.dead != nil && d.cfg.OnDeadLetter != nil {
				d.cfg.OnDeadLetter(ctx, it.dead)
			}
		case errors.Is(errs[i], storage.ErrConflict), errors.Is(errs[i], storage.ErrNotFound):
			d.cfg.Logger.Warn("webhook: record attempt", "delivery", it.params.ID, "err", errs[i])
		default:
			failed = append(failed, it)
		}
	}
	if len(failed) < len(items) {
		d.notify() // the recorded rows' leases are free: a capped claim may take more
	}
	return failed
}
