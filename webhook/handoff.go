package webhook

import (
	"context"

	"github.com/intimeos/integrations/storage"
)

// A publish in a process whose workers are running and idle hands its
// rows to them directly: the store writes them already leased to this
// Dispatcher ([storage.DeliveryPublishLeaser]), so no claim has to find
// them, and the first attempt starts one round trip (and one commit)
// after the publish returns. Only the free places are used, each
// subscription's rows stay within PerSubscriptionLimit, and rows that do
// not fit are written due, for the claim loop, as before.
//
// It applies to Publish and PublishBatch (not PublishTx: the rows must
// have committed when the workers get them) on a store that pumps
// ([storage.DeliveryPumper]), whose claims are capped from the
// Dispatcher's own counts of the rows it holds.

// publishLeased publishes p, leasing what the free workers can take. It
// reports whether a row was written unleased (other workers should be
// woken).
func (d *Dispatcher) publishLeased(ctx context.Context, lp storage.DeliveryPublishLeaser,
	p *storage.DeliveryPublishParams) ([]*storage.Delivery, bool, error) {
	r := d.handoffRunner()
	if r == nil {
		return d.publishDue(ctx, lp, p)
	}
	defer r.handoff.RUnlock()
	// One publish hands rows over at a time; concurrent ones write their
	// rows due, for the claim loop, rather than queue behind it.
	if !d.handingOff.TryLock() {
		return d.publishDue(ctx, lp, p)
	}
	defer d.handingOff.Unlock()
	free := r.tryTakeSlots(d.cfg.BatchSize)
	if free == 0 {
		return d.publishDue(ctx, lp, p)
	}
	if d.cfg.PerSubscriptionLimit > 0 {
		// A capped lease must not run beside a capped claim: each would
		// count the rows held without the other's. A claim in flight
		// takes one round trip.
		select {
		case d.capSem <- struct{}{}:
			defer func() { <-d.capSem }()
		case <-ctx.Done():
			d.putSlots(r, free)
			return nil, false, ctx.Err()
		}
	}
	claimID, now := storage.NewClaimID(d.claimer), d.now()
	lease := &storage.DeliveryPublishLease{ClaimID: claimID, Until: now.Add(d.cfg.Lease), Limit: free,
		PerWebhookLimit: d.cfg.PerSubscriptionLimit, Held: d.held.without(nil)}
	rows, leased, err := lp.DeliveryPublishLeased(ctx, p, lease)
	if err != nil {
		d.putSlots(r, free)
		// The statement may have committed with the answer lost: the rows
		// it leased would wait for the lease to end.
		go r.fin.releaseClaimInDoubt(claimID, d.cfg.Lease)
		return nil, false, err
	}
	d.held.add(leased)
	for _, row := range leased {
		r.jobs <- &job{row: row, claimID: claimID, leaseEnd: lease.Until}
	}
	d.putSlots(r, free-len(leased))
	return rows, len(leased) < len(rows), nil
}

// publishDue publishes p with every row due.
func (d *Dispatcher) publishDue(ctx context.Context, pub storage.DeliveryPublisher, p *storage.DeliveryPublishParams) ([]*storage.Delivery, bool, error) {
	rows, err := pub.DeliveryPublish(ctx, p)
	return rows, len(rows) > 0, err
}

// handoffRunner returns the running runner, read-locked for a hand-off,
// or nil when the workers are not running here or are stopping, or the
// store cannot count this Dispatcher's holdings (no pump).
func (d *Dispatcher) handoffRunner() *runner {
	if d.pump == nil {
		return nil
	}
	d.mu.Lock()
	r := d.running
	d.mu.Unlock()
	if r == nil {
		return nil
	}
	r.handoff.RLock()
	if r.stopping.Load() {
		r.handoff.RUnlock()
		return nil
	}
	return r
}

// tryTakeSlots takes up to n free places without waiting.
func (r *runner) tryTakeSlots(n int) int {
	for i := range n {
		select {
		case <-r.slots:
		default:
			return i
		}
	}
	return n
}
