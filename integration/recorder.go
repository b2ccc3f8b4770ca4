package integration

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// recordTimeout bounds the write of one batch.
const recordTimeout = 30 * time.Second

// Waits between tries of a batch the store refused: from recordRetryFirst,
// doubling up to recordRetryMax, until it is written or Stop gives up.
const (
	recordRetryFirst = 50 * time.Millisecond
	recordRetryMax   = 5 * time.Second
)

// LogEntry is a line of an integration's log that code outside the call
// path (alerts, inbound events, troubleshooting) hands the recorder.
type LogEntry struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Level          storage.LogLevel
	Message        string
	// Details are structured fields, stored as a JSON object. They must
	// not hold secrets.
	Details map[string]any
	// Time is when it happened; zero means now.
	Time time.Time
}

// Observation is one measured event for an integration's metric buckets
// (hourly): a count, whether it failed, and how long it took.
type Observation struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	// Metric names what is counted. The call path uses "call.<operation>"
	// and health checks "health_check" ([MetricHealthCheck]).
	Metric   string
	Time     time.Time
	Duration time.Duration
	Failed   bool
}

// Metric names and prefixes of the call path and health checks.
const (
	MetricCallPrefix  = "call."
	MetricHealthCheck = "health_check"
)

// RecorderStats are the recorder's counters since the Manager was made.
type RecorderStats struct {
	// Recorded counts the records written, Batches the transactions.
	Recorded, Batches int64
	// Dropped counts records refused because their context ended while
	// the queue was full; Lost those that could not be written before Stop
	// gave up.
	Dropped, Lost int64
	// Queued is how many records wait now.
	Queued int
	// WriteTime is the time spent writing the batches that were written.
	WriteTime time.Duration
}

// record is one thing to write: exactly one field is set.
type record struct {
	call  *callRecord
	check *checkRecord
	sw    *switchRecord
	log   *LogEntry
	obs   *Observation
}

// Recorder writes the log entries, metric observations and last syncs of
// calls and health checks in batches, off the call's path (the webhook
// dispatcher's finisher is the model): a call hands its record to a bounded
// queue and returns; one goroutine writes up to Config.RecordBatch records
// per transaction ([storage.ActivityStore]), at most Config.RecordInterval
// after the first one arrived. A failed batch is tried again, with growing
// pauses, as a whole (a transaction counts nothing twice).
//
// What a crash can lose is bounded: a process killed without
// [Manager.Stop] loses the records queued and the batch being written, at
// most Config.RecordQueue + Config.RecordBatch records (1,280 by default).
// Stop writes everything queued before it returns. When the queue is full,
// a record waits for room (so recording slows calls only when the store
// cannot keep up), unless its context ends first: then it is dropped and
// counted. Before Start and after Stop, records are written one by one.
type Recorder struct {
	m *Manager

	mu      sync.RWMutex
	running bool
	in      chan *record
	done    chan struct{}
	quit    chan struct{}

	recorded, batches, dropped, lost atomic.Int64
	writeNS                          atomic.Int64

	normals *normalCache
}

func newRecorder(m *Manager) *Recorder {
	return &Recorder{m: m, normals: &normalCache{m: m, byID: map[uuid.UUID]normal{}}}
}

// Recorder returns the Manager's recorder, for code that records its own
// log entries and observations.
func (m *Manager) Recorder() *Recorder { return m.rec }

// Log records a log entry. It returns ctx's error if the entry was dropped.
func (r *Recorder) Log(ctx context.Context, e *LogEntry) error {
	return r.enqueue(ctx, &record{log: e})
}

// Observe records a metric observation. It returns ctx's error if the
// observation was dropped.
func (r *Recorder) Observe(ctx context.Context, o *Observation) error {
	return r.enqueue(ctx, &record{obs: o})
}

// Stats returns the recorder's counters.
func (r *Recorder) Stats() RecorderStats {
	r.mu.RLock()
	queued := 0
	if r.running {
		queued = len(r.in)
	}
	r.mu.RUnlock()
	return RecorderStats{Recorded: r.recorded.Load(), Batches: r.batches.Load(), Dropped: r.dropped.Load(),
		Lost: r.lost.Load(), Queued: queued, WriteTime: time.Duration(r.writeNS.Load())}
}

// enqueue hands a record to the writer, or writes it now when the writer
// does not run.
func (r *Recorder) enqueue(ctx context.Context, rec *record) error {
	r.mu.RLock()
	if !r.running {
		r.mu.RUnlock()
		r.writeNow(ctx, rec)
		return nil
	}
	defer r.mu.RUnlock()
	select {
	case r.in <- rec:
		return nil
	default:
	}
	select {
	case r.in <- rec:
		return nil
	case <-ctx.Done():
		r.dropped.Add(1)
		return ctx.Err()
	}
}

// writeNow writes one record in its own transaction.
func (r *Recorder) writeNow(ctx context.Context, rec *record) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	b := r.batch(ctx, []*record{rec})
	if err := r.m.store.ActivityRecord(ctx, b); err != nil {
		r.lost.Add(1)
		r.m.cfg.Logger.ErrorContext(ctx, "integration: record lost", "err", err)
		return
	}
	r.recorded.Add(1)
	r.batches.Add(1)
}

// start starts the writer.
func (r *Recorder) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.in = make(chan *record, r.m.cfg.RecordQueue)
	r.done, r.quit = make(chan struct{}), make(chan struct{})
	r.running = true
	go r.run(r.in, r.done, r.quit)
}

// stop writes what is queued and stops the writer; when ctx ends first,
// what is left is counted lost.
func (r *Recorder) stop(ctx context.Context) error {
	r.mu.Lock()
	if !r.running {
		r.mu.Unlock()
		return nil
	}
	r.running = false
	close(r.in)
	done, quit := r.done, r.quit
	r.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		close(quit)
		<-done
		return ctx.Err()
	}
}

// run collects records, up to RecordBatch of them or for up to
// RecordInterval after the first, and writes each batch, until in is
// closed and empty.
func (r *Recorder) run(in <-chan *record, done, quit chan struct{}) {
	defer close(done)
	limit := r.m.cfg.RecordBatch
	batch := make([]*record, 0, limit)
	timer := time.NewTimer(r.m.cfg.RecordInterval)
	defer timer.Stop()
	for {
		rec, ok := <-in
		if !ok {
			return
		}
		batch = append(batch[:0], rec)
		timer.Reset(r.m.cfg.RecordInterval)
	collect:
		for len(batch) < limit {
			select {
			case rec, ok := <-in:
				if !ok {
					break collect
				}
				batch = append(batch, rec)
			case <-timer.C:
				break collect
			}
		}
		timer.Stop()
		r.write(batch, quit)
		clear(batch)
	}
}

// write writes a batch, trying again with growing pauses until it is
// written or quit is closed (then once more).
func (r *Recorder) write(recs []*record, quit <-chan struct{}) {
	ctx := context.Background()
	b := r.batch(ctx, recs)
	pause := recordRetryFirst
	for {
		start := time.Now()
		err := r.writeBatch(b)
		if err == nil {
			r.writeNS.Add(int64(time.Since(start)))
			r.recorded.Add(int64(len(recs)))
			r.batches.Add(1)
			return
		}
		r.m.cfg.Logger.Warn("integration: record a batch; trying again", "records", len(recs), "err", err)
		select {
		case <-quit:
			if err := r.writeBatch(b); err != nil {
				r.lost.Add(int64(len(recs)))
				r.m.cfg.Logger.Error("integration: records lost at stop", "records", len(recs), "err", err)
				return
			}
			r.recorded.Add(int64(len(recs)))
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, recordRetryMax)
	}
}

func (r *Recorder) writeBatch(b *storage.ActivityBatch) error {
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	return r.m.store.ActivityRecord(ctx, b)
}

// batch turns records into one ActivityBatch: log entries as they are,
// observations summed per hourly bucket, one sync per integration (its
// latest call).
func (r *Recorder) batch(ctx context.Context, recs []*record) *storage.ActivityBatch {
	a := &aggregate{buckets: map[bucketKey]*storage.MetricAddParams{}, syncs: map[uuid.UUID]*storage.IntegrationSync{}}
	for _, rec := range recs {
		switch {
		case rec.call != nil:
			r.addCall(ctx, a, rec.call)
		case rec.check != nil:
			a.log(rec.check.entry())
			a.observe(rec.check.observation())
		case rec.sw != nil:
			a.log(rec.sw.entry())
		case rec.log != nil:
			a.log(rec.log)
		case rec.obs != nil:
			a.observe(rec.obs)
		}
	}
	return a.batch(r.m.now())
}

// aggregate builds an ActivityBatch.
type aggregate struct {
	logs    []*storage.LogInsertParams
	buckets map[bucketKey]*storage.MetricAddParams
	order   []bucketKey
	syncs   map[uuid.UUID]*storage.IntegrationSync
}

type bucketKey struct {
	orgID, id uuid.UUID
	metric    string
	start     time.Time
}

func (a *aggregate) log(e *LogEntry) {
	var details json.RawMessage
	if len(e.Details) > 0 {
		details, _ = json.Marshal(e.Details)
	}
	a.logs = append(a.logs, &storage.LogInsertParams{OrganizationID: e.OrganizationID, IntegrationID: e.IntegrationID,
		Level: e.Level, Message: e.Message, Details: details, Time: e.Time})
}

func (a *aggregate) observe(o *Observation) {
	k := bucketKey{o.OrganizationID, o.IntegrationID, o.Metric, o.Time.UTC().Truncate(time.Hour)}
	b := a.buckets[k]
	if b == nil {
		b = &storage.MetricAddParams{OrganizationID: k.orgID, IntegrationID: k.id, Metric: k.metric, BucketStart: k.start}
		a.buckets[k] = b
		a.order = append(a.order, k)
	}
	ms := o.Duration.Milliseconds()
	b.Count++
	b.DurationMS += ms
	b.MaxDurationMS = max(b.MaxDurationMS, ms)
	if o.Failed {
		b.Errors++
	}
}

func (a *aggregate) sync(orgID, id uuid.UUID, at time.Time, errMsg string) {
	if s := a.syncs[id]; s != nil && s.Time.After(at) {
		return
	}
	a.syncs[id] = &storage.IntegrationSync{OrganizationID: orgID, IntegrationID: id, Time: at, Error: errMsg}
}

func (a *aggregate) batch(now time.Time) *storage.ActivityBatch {
	b := &storage.ActivityBatch{Logs: a.logs}
	for _, k := range a.order {
		b.Metrics = append(b.Metrics, a.buckets[k])
	}
	for _, s := range a.syncs {
		b.Syncs = append(b.Syncs, s)
	}
	for _, l := range b.Logs {
		if l.Time.IsZero() {
			l.Time = now
		}
	}
	return b
}
