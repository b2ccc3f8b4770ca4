package apiaccess

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/intimeos/integrations/storage"
)

// Service is the package's facade: tokens, the middleware with its shared
// rate limits, usage figures and anomaly detection. Make one per host
// process with [New]; [Service.Start] runs its background loop and
// [Service.Stop] ends it. Every token call is scoped by organization ID.
type Service struct {
	store   storage.Store
	cfg     *Config
	now     func() time.Time
	tokens  *tokenCache
	limiter *limiter
	usage   *recorder
	anomaly *detector

	mu      sync.Mutex
	started bool
	stopped bool
	cancel  context.CancelFunc
	done    chan struct{}
}

// New returns a Service on store. cfg may be nil; it is copied.
func New(store storage.Store, cfg *Config) (*Service, error) {
	if store == nil {
		return nil, errors.New("apiaccess: store is nil")
	}
	c := cfg.WithDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	s := &Service{store: store, cfg: c, usage: newRecorder(c.MaxPending)}
	s.now = func() time.Time { return c.Clock().UTC() }
	s.tokens = newTokenCache(store, c, s.limitsOf)
	s.limiter = &limiter{store: store, cfg: c}
	s.anomaly = &detector{store: store, cfg: c}
	return s, nil
}

// Start launches the background loop: every Config.FlushInterval it writes
// buffered usage, reads the token change feed and gives back idle leases;
// every minute it looks for anomalies; every hour it prunes old rows. It runs
// until [Service.Stop]; ctx only bounds Start itself. Without Start the
// middleware works, and [Service.Flush] writes usage when called.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopped:
		return errors.New("apiaccess: Start after Stop")
	case s.started:
		return errors.New("apiaccess: already started")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	s.started, s.cancel, s.done = true, cancel, make(chan struct{})
	go s.loop(loopCtx)
	return nil
}

// Stop ends the background loop, waits for leases in flight, writes the
// buffered usage and gives the unused leased budget back, so other hosts
// can use it at once. The middleware must not serve requests after Stop.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.limiter.close()
	return errors.Join(s.Flush(ctx), s.limiter.sweep(ctx, s.now(), true))
}

// Flush writes the buffered usage now, in one transaction. On failure the
// figures stay buffered for the next flush.
func (s *Service) Flush(ctx context.Context) error {
	b := s.usage.take()
	if len(b.Counts)+len(b.Throttles)+len(b.Uses) == 0 {
		return nil
	}
	if err := s.store.APIUsageWrite(ctx, b); err != nil {
		s.usage.putBack(b)
		return err
	}
	return nil
}

// SyncTokens reads the change feed now and forgets the tokens that other
// hosts revoked, rotated or re-limited. The background loop calls it every
// Config.FlushInterval.
func (s *Service) SyncTokens(ctx context.Context) error {
	return s.tokens.sync(ctx, s.now(), s.cfg.ChangeOverlap)
}

// Dropped returns how many usage figures were dropped because the buffer
// was full (the store was unreachable for long).
func (s *Service) Dropped() int64 { return s.usage.dropped.Load() }

func (s *Service) loop(ctx context.Context) {
	defer close(s.done)
	tick := time.NewTicker(s.cfg.FlushInterval)
	defer tick.Stop()
	var lastPrune time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := s.now()
		s.logErr(ctx, "write usage", s.Flush(ctx))
		s.logErr(ctx, "read token changes", s.SyncTokens(ctx))
		s.logErr(ctx, "return idle leases", s.limiter.sweep(ctx, now, false))
		if !s.cfg.Anomaly.Disabled {
			// Other hosts' figures of a minute arrive within a flush
			// interval of its end: look at it two intervals later.
			_, err := s.anomaly.check(ctx, now.Add(-2*s.cfg.FlushInterval), s.cfg.OnAnomaly)
			s.logErr(ctx, "detect anomalies", err)
		}
		if now.Sub(lastPrune) >= time.Hour {
			lastPrune = now
			s.logErr(ctx, "prune", s.prune(ctx, now))
		}
	}
}

func (s *Service) prune(ctx context.Context, now time.Time) error {
	_, err := s.store.APIAccessPrune(ctx, &storage.APIAccessPruneParams{UsageBefore: now.Add(-s.cfg.UsageRetention),
		WindowsBefore: now.Add(-time.Hour), ChangesBefore: now.Add(-2 * s.cfg.ChangeOverlap)})
	return err
}

func (s *Service) logErr(ctx context.Context, what string, err error) {
	if err != nil && ctx.Err() == nil {
		s.cfg.Logger.ErrorContext(ctx, "apiaccess: "+what, "error", err)
	}
}
