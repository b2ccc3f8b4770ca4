package webhook

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

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
	// webhook is the row's subscription, for [holdings].
	webhook uuid.UUID
}

// claimReq is a claim the claim loop hands to the finisher, to be made in
// the same round trip as the next recording (see [finisher]).
type claimReq struct {
	p *storage.DeliveryClaimParams
	// rows receives the claimed rows (none if the claim failed).
	rows chan []*storage.Delivery
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
//
// On a store that pumps ([storage.DeliveryPumper], PostgreSQL), the
// finisher also makes the claim loop's claims: a claim handed over while
// results wait is sent with them, one round trip and one commit for both,
// and a claim handed over while the finisher is idle is sent at once.
type finisher struct {
	d  *Dispatcher
	in chan *finishItem
	// claims, nil without a pump, takes claims from the claim loop; it is
	// unbuffered, so a claim handed over is always made.
	claims chan *claimReq
	max    int
	wait   time.Duration
	done   chan struct{}
	// quit ends retries of failed recordings (Stop).
	quit chan struct{}
}

// startFinisher starts the goroutine that records results.
func (d *Dispatcher) startFinisher() *finisher {
	f := &finisher{d: d, in: make(chan *finishItem, d.cfg.BatchSize), max: d.cfg.BatchSize, wait: finishBatchWait,
		done: make(chan struct{}), quit: make(chan struct{})}
	if d.pump != nil {
		f.claims = make(chan *claimReq)
	}
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

// claim has the finisher make a claim, and returns its rows; it returns
// none if ctx ends before the finisher takes the claim. Only with a pump.
func (f *finisher) claim(ctx context.Context, p *storage.DeliveryClaimParams) []*storage.Delivery {
	req := &claimReq{p: p, rows: make(chan []*storage.Delivery, 1)}
	select {
	case f.claims <- req:
		return <-req.rows
	case <-ctx.Done():
		return nil
	}
}

// run collects results, up to max of them or for up to wait after the
// first (or until a claim comes), and records each batch, with the claim
// if one came, until the queue is closed and empty.
func (f *finisher) run() {
	defer close(f.done)
	batch := make([]*finishItem, 0, f.max)
	timer := time.NewTimer(f.wait)
	defer timer.Stop()
	for {
		var req *claimReq
		select {
		case it, ok := <-f.in:
			if !ok {
				return
			}
			batch = append(batch[:0], it)
			timer.Reset(f.wait)
			batch, req = f.collect(batch, timer)
			timer.Stop()
		case req = <-f.claims:
			batch = f.drain(batch[:0])
		}
		if req != nil {
			f.pump(batch, req)
		} else {
			f.record(batch)
		}
		clear(batch)
	}
}

// collect adds results to batch until it is full, the timer fires, a
// claim comes (returned) or the queue closes.
func (f *finisher) collect(batch []*finishItem, timer *time.Timer) ([]*finishItem, *claimReq) {
	for len(batch) < f.max {
		var it *finishItem
		var ok bool
		select {
		case it, ok = <-f.in: // queued while the last batch was written
		default:
			select {
			case it, ok = <-f.in:
			case req := <-f.claims:
				return f.drain(batch), req
			case <-timer.C:
				return batch, nil
			}
		}
		if !ok {
			return batch, nil
		}
		batch = append(batch, it)
	}
	return batch, nil
}

// drain adds the results already queued to batch, up to max.
func (f *finisher) drain(batch []*finishItem) []*finishItem {
	for len(batch) < f.max {
		select {
		case it, ok := <-f.in:
			if !ok {
				return batch
			}
			batch = append(batch, it)
		default:
			return batch
		}
	}
	return batch
}

// pump records items and makes the claim of req in one call, and hands the
// claimed rows over. Results the call could not record are recorded as
// [finisher.record] does.
func (f *finisher) pump(items []*finishItem, req *claimReq) {
	d := f.d
	ctx, cancel := context.WithTimeout(context.Background(), finishRecordTimeout)
	defer cancel()
	capped := req.p.PerWebhookLimit > 0
	if capped {
		d.capSem <- struct{}{} // see publishLeased
	}
	errs, rows, err := d.pump.DeliveryPump(ctx, &storage.DeliveryPumpParams{Finish: finishParams(items), Claim: req.p,
		Held: d.held.without(items)})
	if err == nil {
		d.held.add(rows)
	}
	if capped {
		<-d.capSem
	}
	if err != nil {
		d.cfg.Logger.Error("webhook: claim deliveries", "err", err)
		req.rows <- nil
		f.record(items)
		f.releaseClaimInDoubt(req.p.ClaimID, req.p.LeaseFor)
		return
	}
	req.rows <- rows
	if failed := d.settle(ctx, items, errs); len(failed) > 0 {
		f.record(failed)
	}
}

func finishParams(items []*finishItem) []*storage.DeliveryFinishParams {
	ps := make([]*storage.DeliveryFinishParams, len(items))
	for i, it := range items {
		ps[i] = it.params
	}
	return ps
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
	if len(items) == 0 {
		return
	}
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
			f.d.forsake(items)
			return
		}
		select {
		case <-f.quit:
			f.d.forsake(f.d.recordOnce(items)) // one last try on the way out
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

// forsake counts out rows whose results will not be recorded: their leases
// end, and the attempts are made again.
func (d *Dispatcher) forsake(items []*finishItem) {
	for _, it := range items {
		d.held.drop(it.webhook)
	}
}

// recordOnce writes a batch of results in one transaction; when the batch
// fails as a whole, it records the results one by one. It returns the
// results that could not be recorded for want of the store; a result whose
// lease is gone is logged and dropped (another worker has the row).
func (d *Dispatcher) recordOnce(items []*finishItem) []*finishItem {
	ctx, cancel := context.WithTimeout(context.Background(), finishRecordTimeout)
	defer cancel()
	ps := finishParams(items)
	var errs []error
	var err error
	if d.pump != nil {
		errs, _, err = d.pump.DeliveryPump(ctx, &storage.DeliveryPumpParams{Finish: ps})
	} else {
		errs, err = d.store.DeliveryFinishBatch(ctx, ps)
	}
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
	return d.settle(ctx, items, errs)
}

// settle acts on the outcome of recording items: errs holds one error per
// item. It returns the items that could not be recorded for want of the
// store.
func (d *Dispatcher) settle(ctx context.Context, items []*finishItem, errs []error) []*finishItem {
	var failed []*finishItem
	atCap := false
	for i, it := range items {
		switch {
		case errs[i] == nil:
			atCap = d.dropHeld(it.webhook) || atCap
			if it.dead != nil && d.cfg.OnDeadLetter != nil {
				d.cfg.OnDeadLetter(ctx, it.dead)
			}
		case errors.Is(errs[i], storage.ErrConflict), errors.Is(errs[i], storage.ErrNotFound):
			atCap = d.dropHeld(it.webhook) || atCap
			d.cfg.Logger.Warn("webhook: record attempt", "delivery", it.params.ID, "err", errs[i])
		default:
			failed = append(failed, it)
		}
	}
	if atCap || d.backlog.Load() {
		// A subscription below its cap again, or rows were due at the last
		// claim (it may have come back short, passing over rows another
		// host held): the claim loop may take more. An idle queue (the
		// last claim found nothing; publishes hand their rows over) is
		// not claimed again after every delivery.
		d.notify()
	}
	return failed
}

// dropHeld counts a row of webhook out, and reports whether the webhook
// held PerSubscriptionLimit rows before: a claim may have passed over its
// due rows, which can be claimed now.
func (d *Dispatcher) dropHeld(webhook uuid.UUID) bool {
	n := d.held.drop(webhook)
	return d.cfg.PerSubscriptionLimit > 0 && n >= d.cfg.PerSubscriptionLimit
}

// releaseClaimInDoubt clears the leases of a claim whose call failed: it may
// have committed before the connection was lost, leasing rows nobody here
// holds, which would otherwise wait for the lease to end (minutes) before
// another claim could take them. It retries with growing pauses while
// the lease lasts, until Stop.
func (f *finisher) releaseClaimInDoubt(claimID uuid.UUID, leaseFor time.Duration) {
	rel, ok := f.d.store.(storage.DeliveryClaimReleaser)
	if !ok {
		return
	}
	deadline := f.d.now().Add(leaseFor)
	for pause := recordRetryFirst; ; pause = min(2*pause, recordRetryMax) {
		ctx, cancel := context.WithTimeout(context.Background(), finishRecordTimeout)
		n, err := rel.DeliveryClaimRelease(ctx, claimID)
		cancel()
		if err == nil {
			if n > 0 {
				f.d.cfg.Logger.Warn("webhook: released the rows of a claim whose answer was lost", "rows", n)
			}
			return
		}
		if !f.d.now().Add(pause + leaseMargin).Before(deadline) {
			return // the lease ends first; the rows are claimable then
		}
		select {
		case <-f.quit:
			return
		case <-time.After(pause):
		}
	}
}
