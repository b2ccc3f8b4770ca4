package webhook

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// deliveryListener is implemented by stores that can wake workers across
// processes (PostgreSQL LISTEN/NOTIFY). It calls fn after every commit that
// inserted due deliveries, until ctx ends.
type deliveryListener interface {
	ListenDeliveries(ctx context.Context, fn func()) error
}

// runner holds the goroutines started by [Dispatcher.Start].
type runner struct {
	// stopClaiming ends the claim, reap and listen loops.
	stopClaiming context.CancelFunc
	// abort cancels in-flight attempts when Stop's context ends.
	abort context.CancelFunc
	loops sync.WaitGroup
	work  sync.WaitGroup
	// jobs buffers up to BatchSize claimed rows beside the Workers in
	// flight, so that claims come in batches while workers are busy.
	jobs chan *job
	// slots counts free places (in flight or buffered); the claimer
	// leases no more rows than it.
	slots chan struct{}
	// stopping makes workers release buffered rows instead of starting
	// them.
	stopping atomic.Bool
	// handoff is read-locked by a publish handing rows to the workers
	// (see publishLeased); Stop write-locks it before closing jobs.
	handoff sync.RWMutex
	// fin records the workers' attempts in batches.
	fin *finisher
	// parked holds rows waiting to try loading their subscription again.
	parked *parking
	// stopped is closed when Stop has recorded or released everything.
	stopped chan struct{}
}

// job is one claimed row.
type job struct {
	row     *storage.Delivery
	claimID uuid.UUID
	// leaseEnd is when the lease ends, by Config.Clock as the claim set
	// it: another claimer may take the row from then on.
	leaseEnd time.Time
	// waits counts the times the row was parked; retryAt is when its
	// pause ends (time.Now).
	waits   int
	retryAt time.Time
}

// Start launches the delivery workers, the claim loop, the lease reaper
// (and retention), and, on PostgreSQL, the LISTEN loop. They run until
// [Dispatcher.Stop]; ctx only bounds Start itself. Starting twice is an
// error.
func (d *Dispatcher) Start(ctx context.Context) error {
	if err := checkCtx(ctx, "Start"); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.running != nil {
		return errors.New("webhook: dispatcher already started")
	}
	claimCtx, stopClaiming := context.WithCancel(context.Background())
	workCtx, abort := context.WithCancel(context.Background())
	places := d.cfg.Workers + d.cfg.BatchSize
	r := &runner{stopClaiming: stopClaiming, abort: abort, jobs: make(chan *job, d.cfg.BatchSize),
		slots: make(chan struct{}, places), stopped: make(chan struct{}), parked: newParking()}
	for range places {
		r.slots <- struct{}{}
	}
	r.fin = d.startFinisher()
	for range d.cfg.Workers {
		r.work.Add(1)
		go d.workLoop(workCtx, r)
	}
	d.goLoop(r, func() { d.claimLoop(claimCtx, r) })
	d.goLoop(r, func() { d.parkLoop(claimCtx, r) })
	d.goLoop(r, func() { d.maintainLoop(claimCtx) })
	if l, ok := d.store.(deliveryListener); ok {
		d.goLoop(r, func() { d.listenLoop(claimCtx, l) })
	}
	d.running = r
	return nil
}

func (d *Dispatcher) goLoop(r *runner, fn func()) {
	r.loops.Add(1)
	go func() {
		defer r.loops.Done()
		fn()
	}()
}

// Stop stops claiming, lets in-flight deliveries finish and records them,
// and returns. If ctx ends first, in-flight attempts are cancelled and their
// rows released (due again at once, for another worker or process). A Stop
// called while another is shutting the dispatcher down waits for it to
// finish, so that every caller may close the store once Stop returns. Stop
// on a Dispatcher that was never started only closes idle connections.
func (d *Dispatcher) Stop(ctx context.Context) error {
	if err := checkCtx(ctx, "Stop"); err != nil {
		return err
	}
	d.mu.Lock()
	r, other := d.running, d.stopping
	if r != nil {
		d.running, d.stopping = nil, r
	}
	d.mu.Unlock()
	switch {
	case r != nil:
		r.shutDown(ctx, d.release)
		d.mu.Lock()
		if d.stopping == r {
			d.stopping = nil
		}
		d.mu.Unlock()
	case other != nil:
		select {
		case <-other.stopped:
		case <-ctx.Done():
			other.abort() // this caller's deadline ends the attempts too
			<-other.stopped
		}
	}
	if t, ok := d.cfg.Transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
	return nil
}

// shutDown stops r's loops and workers (see [Dispatcher.Stop]); release
// returns a row to the queue.
func (r *runner) shutDown(ctx context.Context, release func(*job, error)) {
	defer close(r.stopped)
	r.stopping.Store(true)
	r.stopClaiming()
	r.loops.Wait()
	r.handoff.Lock() // no publish is handing rows over
	close(r.jobs)
	r.handoff.Unlock()
	done := make(chan struct{})
	go func() { r.work.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		r.abort()
		<-done
	}
	r.abort()
	// Rows parked before the park loop ended, or by the last workers,
	// go back to the queue.
	r.releaseParked(release)
	// Every attempt made is recorded before Stop returns, whatever ctx
	// says: the requests were sent.
	r.fin.close()
}

// claimLoop leases due rows for free workers, then waits for a wake-up, a
// freed worker or the poll interval.
func (d *Dispatcher) claimLoop(ctx context.Context, r *runner) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		free := d.takeSlots(ctx, r)
		if free == 0 {
			return
		}
		n := d.claim(ctx, r, free)
		if n == free {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-timer.C:
		}
		resetTimer(timer, d.cfg.PollInterval)
	}
}

// takeSlots waits for a free place and takes every free one, up to the
// batch size. While rows are still buffered (the workers are busy anyway)
// it waits for half the places, so that claims come in batches; when the
// buffer is empty it returns at once, so that an idle worker never waits
// for a batch. It returns 0 when ctx ends.
func (d *Dispatcher) takeSlots(ctx context.Context, r *runner) int {
	n, want := 0, max(1, d.cfg.BatchSize/2)
	for n < d.cfg.BatchSize {
		if n > 0 {
			select {
			case <-r.slots:
				n++
				continue
			default:
			}
			if n >= want || len(r.jobs) == 0 {
				return n
			}
		}
		select {
		case <-r.slots:
			n++
		case <-ctx.Done():
			d.putSlots(r, n)
			return 0
		}
	}
	return n
}

func (d *Dispatcher) putSlots(r *runner, n int) {
	for range n {
		r.slots <- struct{}{}
	}
}

// claimTimeout bounds one claim statement.
const claimTimeout = 30 * time.Second

// claim leases up to free rows and hands them to workers, returning unused
// slots. It returns how many rows it claimed. Once started, a claim runs
// to its end even if Stop cancels ctx meanwhile: a PostgreSQL server
// commits the claim whether or not the client still waits for its rows, so
// a cancelled claim would leave them leased under a claim ID nobody holds
// until the lease expires. Rows that arrive after Stop are released by
// the stopping workers.
func (d *Dispatcher) claim(ctx context.Context, r *runner, free int) int {
	if ctx.Err() != nil {
		d.putSlots(r, free)
		return 0
	}
	claimID, now := storage.NewClaimID(d.claimer), d.now()
	p := &storage.DeliveryClaimParams{Now: now, Limit: free, LeaseFor: d.cfg.Lease, ClaimID: claimID,
		PerWebhookLimit: d.cfg.PerSubscriptionLimit, Claimer: d.claimer}
	var rows []*storage.Delivery
	if d.pump != nil {
		rows = r.fin.claim(ctx, p)
	} else {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
		defer cancel()
		var err error
		if rows, err = d.store.DeliveryClaim(cctx, p); err != nil {
			d.cfg.Logger.Error("webhook: claim deliveries", "err", err)
		}
		d.held.add(rows)
	}
	d.backlog.Store(len(rows) > 0)
	for _, row := range rows {
		r.jobs <- &job{row: row, claimID: claimID, leaseEnd: now.Add(d.cfg.Lease)}
	}
	d.putSlots(r, free-len(rows))
	return len(rows)
}

// workLoop delivers claimed rows until the jobs channel closes.
func (d *Dispatcher) workLoop(ctx context.Context, r *runner) {
	defer r.work.Done()
	for j := range r.jobs {
		if r.stopping.Load() {
			d.release(j, errors.New("shutting down"))
			r.slots <- struct{}{}
			continue
		}
		d.deliver(ctx, j, r)
		// The freed place is enough for a claimer waiting for places; one
		// waiting for leases to end is woken when the finisher has
		// recorded this attempt, which is when the row's lease ends.
		r.slots <- struct{}{}
	}
}

// maintainLoop returns expired leases and prunes old history.
func (d *Dispatcher) maintainLoop(ctx context.Context) {
	t := time.NewTicker(d.cfg.ReapInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := d.store.DeliveryReapExpired(ctx, d.now()); err != nil && ctx.Err() == nil {
			d.cfg.Logger.Error("webhook: reap expired leases", "err", err)
		} else if n > 0 {
			d.cfg.Logger.Warn("webhook: returned expired leases", "rows", n)
			d.notify()
		}
		if d.cfg.Retention > 0 {
			if _, err := d.DeliveryPrune(ctx, d.now().Add(-d.cfg.Retention)); err != nil && ctx.Err() == nil {
				d.cfg.Logger.Error("webhook: prune history", "err", err)
			}
		}
	}
}

// listenLoop relays cross-process wake-ups, reconnecting after errors.
func (d *Dispatcher) listenLoop(ctx context.Context, l deliveryListener) {
	for ctx.Err() == nil {
		err := l.ListenDeliveries(ctx, d.notify)
		if ctx.Err() != nil {
			return
		}
		d.cfg.Logger.Warn("webhook: listen for deliveries", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(d.cfg.PollInterval):
		}
	}
}

// DeliveryPrune deletes history created before before, in batches of
// Config.RetentionBatch, keeping rows the DLQ refers to, and returns how
// many rows it deleted.
func (d *Dispatcher) DeliveryPrune(ctx context.Context, before time.Time) (int, error) {
	if err := checkCtx(ctx, "DeliveryPrune"); err != nil {
		return 0, err
	}
	total := 0
	for {
		n, err := d.store.DeliveryDeleteBefore(ctx, before, d.cfg.RetentionBatch)
		total += n
		if err != nil || n < d.cfg.RetentionBatch {
			return total, err
		}
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	select {
	case <-t.C:
	default:
	}
	t.Reset(d)
}
