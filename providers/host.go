package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// Defaults of [Config].
const (
	StartTimeoutDefault = 30 * time.Second
	PingIntervalDefault = 5 * time.Second
	PingTimeoutDefault  = 5 * time.Second
	RestartMinDefault   = time.Second
	RestartMaxDefault   = time.Minute
	KillGraceDefault    = 2 * time.Second
	StopTimeoutDefault  = 5 * time.Second
)

// Config configures a [Host]. The zero value is usable.
type Config struct {
	// Logger receives plugin lifecycle events and the plugins' own log
	// lines. Nil discards.
	Logger *slog.Logger
	// StartTimeout bounds a plugin's start and handshake. Zero means
	// StartTimeoutDefault (30s).
	StartTimeout time.Duration
	// PingInterval is how often the supervisor pings each plugin. Zero
	// means PingIntervalDefault (5s).
	PingInterval time.Duration
	// PingTimeout bounds one ping; a plugin that does not answer in time is
	// stopped and restarted. Zero means PingTimeoutDefault (5s).
	PingTimeout time.Duration
	// KillGrace is how long a plugin process being stopped (by Close, or by
	// the supervisor because it died or froze) gets to exit after go-plugin
	// asks it to, before it is killed with SIGKILL. Zero means
	// KillGraceDefault (2s).
	KillGrace time.Duration
	// StopTimeout bounds Close: it returns within StopTimeout whatever the
	// plugins do (they are stopped in parallel; a process that is still
	// there after its SIGKILL is logged and left to the kernel). It must
	// exceed KillGrace. Zero means StopTimeoutDefault (5s).
	StopTimeout time.Duration
	// RestartMin is the wait before the first restart of a crashed plugin;
	// it doubles for each consecutive failed start, up to RestartMax. Zero
	// means RestartMinDefault (1s).
	RestartMin time.Duration
	// RestartMax caps the restart backoff. Zero means RestartMaxDefault
	// (1m).
	RestartMax time.Duration
	// Stderr, if set, also receives the plugins' raw standard error.
	Stderr io.Writer
}

// WithDefaults returns a copy of c with zero fields set to their defaults.
func (c *Config) WithDefaults() Config {
	var out Config
	if c != nil {
		out = *c
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&out.StartTimeout, StartTimeoutDefault)
	def(&out.PingInterval, PingIntervalDefault)
	def(&out.PingTimeout, PingTimeoutDefault)
	def(&out.RestartMin, RestartMinDefault)
	def(&out.RestartMax, RestartMaxDefault)
	def(&out.KillGrace, KillGraceDefault)
	def(&out.StopTimeout, StopTimeoutDefault)
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	return out
}

func (c *Config) validate() error {
	for name, d := range map[string]time.Duration{"StartTimeout": c.StartTimeout, "PingInterval": c.PingInterval,
		"PingTimeout": c.PingTimeout, "RestartMin": c.RestartMin, "RestartMax": c.RestartMax,
		"KillGrace": c.KillGrace, "StopTimeout": c.StopTimeout} {
		if d < 0 {
			return fmt.Errorf("providers: Config.%s must not be negative", name)
		}
	}
	if c.RestartMax < c.RestartMin {
		return errors.New("providers: Config.RestartMax must not be below RestartMin")
	}
	if c.StopTimeout <= c.KillGrace {
		return errors.New("providers: Config.StopTimeout must exceed KillGrace")
	}
	return nil
}

// Host holds the providers a host application can call: registered in
// process, loaded from plugin binaries, or its own binary re-executed as a
// plugin. Plugins are supervised (see [Plugin]): pinged, and replaced with
// backoff when they crash or freeze. Close stops them all within
// Config.StopTimeout.
type Host struct {
	cfg Config

	mu        sync.Mutex
	providers map[string]Provider
	plugins   []*Plugin
	closed    bool
}

// NewHost returns a Host configured by cfg (nil means defaults).
func NewHost(cfg *Config) (*Host, error) {
	c := cfg.WithDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &Host{cfg: c, providers: map[string]Provider{}}, nil
}

// ErrDuplicate is returned when a provider name is registered twice.
var ErrDuplicate = errors.New("providers: provider already registered")

// ErrNotFound is returned by [Host.Provider] for an unknown name.
var ErrNotFound = errors.New("providers: no such provider")

// Register adds an in-process provider under name. Like a plugin, it is
// called through a guard: a panic in one of its methods becomes that call's
// error (a [*PanicError], [KindPermanent]) and is logged with its stack on
// Config.Logger, and its methods receive settings with the defaults of its
// optional fields (see [Settings.WithDefaults]).
func (h *Host) Register(name string, p Provider) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return errHostClosed
	}
	if _, ok := h.providers[name]; ok {
		return fmt.Errorf("%w: %q", ErrDuplicate, name)
	}
	h.providers[name] = guard(p, slogPanics(h.cfg.Logger))
	return nil
}

var errHostClosed = errors.New("providers: host closed")

// Provider returns the provider registered or loaded under name.
func (h *Host) Provider(name string) (Provider, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p, ok := h.providers[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	return p, nil
}

// Names returns the names of all providers, sorted.
func (h *Host) Names() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	names := make([]string, 0, len(h.providers))
	for n := range h.providers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Plugins returns the host's plugins in load order.
func (h *Host) Plugins() []*Plugin {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.plugins)
}

// addPlugin registers a started plugin, or reports why it cannot be.
func (h *Host) addPlugin(p *Plugin) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return errHostClosed
	}
	if _, ok := h.providers[p.name]; ok {
		return fmt.Errorf("%w: %q", ErrDuplicate, p.name)
	}
	h.providers[p.name] = p
	h.plugins = append(h.plugins, p)
	return nil
}

// Close stops supervising and stops every plugin process: each is asked to
// exit and killed with SIGKILL after Config.KillGrace. Close returns within
// Config.StopTimeout whatever the plugins do, frozen ones included. Calls in
// flight fail with a [KindRetryable] error wrapping [ErrPluginUnavailable].
// Close is idempotent.
func (h *Host) Close() error {
	deadline := time.Now().Add(h.cfg.StopTimeout)
	h.mu.Lock()
	plugins := h.plugins
	h.plugins, h.closed = nil, true
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range plugins {
		wg.Go(func() { p.close(deadline) })
	}
	wg.Wait()
	return nil
}

// contextDone returns ctx's error wrapped as a provider error.
func contextDone(ctx context.Context) error {
	return transportError(ctx, ctx.Err())
}
