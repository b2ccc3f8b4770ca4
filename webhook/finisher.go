package webhook

import (
	"context"
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
}

// startFinisher starts the goroutine that records results.
func (d *Dispatcher) startFinisher() *finisher {
	f := &finisher{d: d, in: make(chan *finishItem, d.cfg.BatchSize), max: d.cfg.BatchSize, wait: finishBatchWait,
		done: make(chan struct{})}
	go f.run()
	return f
}

// add queues a result; it blocks while the queue is full.
func (f *finisher) add(it *finishItem) { f.in <- it }

// close records every queued result and stops the finisher. No add may
// follow or run concurrently.
func (f *finisher) close() {
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
		f.d.record(batch)
		clear(batch)
	}
}

// record writes a batch of results in one transaction; when the batch
// fails as a whole, it records the results one by one. A result that
// cannot be recorded is logged: its row stays leased until the reaper
// returns it, and it is attempted again (at-least-once).
func (d *Dispatcher) record(items []*finishItem) {
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
	for i, it := range items {
		if errs[i] != nil {
			d.cfg.Logger.Warn("webhook: record attempt", "delivery", it.params.ID, "err", errs[i])
			continue
		}
		if it.dead != nil && d.cfg.OnDeadLetter != nil {
			d.cfg.OnDeadLetter(ctx, it.dead)
		}
	}
	d.notify() // the recorded rows' leases are free: a capped claim may take more
}
