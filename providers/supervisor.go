package providers

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/intimeos/integrations/retry"
)

// Plugin is a provider running in a supervised plugin process. It
// implements [Provider]: calls go to the current process over gRPC. A
// Plugin is created by [Host.Launch], [Host.LoadSelf] or [Host.LoadDir].
//
// # Supervision
//
// The supervisor pings the process every Config.PingInterval. A process that
// has exited, or does not answer within Config.PingTimeout (crashed, killed,
// frozen by SIGSTOP, wedged), is stopped: asked to exit, and killed with
// SIGKILL after Config.KillGrace. A new process is then started after a
// backoff (Config.RestartMin, doubling up to Config.RestartMax). A call that
// finds the connection gone wakes the supervisor at once.
//
// Meanwhile calls fail with a [KindRetryable] error wrapping
// [ErrPluginUnavailable] ("plugin unavailable (connection lost)" or
// "(restarting)"), so a [Group] moves on to its next member. A frozen
// process is noticed after at most PingInterval + PingTimeout and replaced
// KillGrace later; calls in flight on it end at their own deadline (see
// [Instance]) or when it is killed.
type Plugin struct {
	host *Host
	name string
	tpl  *exec.Cmd
	opts LaunchOpts
	log  *slog.Logger

	kick    chan struct{}
	life    context.Context // ends when the plugin is closed
	end     context.CancelFunc
	stopped chan struct{} // closed when the supervisor returns

	mu       sync.Mutex
	cur      *proc         // nil while down
	ready    chan struct{} // closed while cur != nil
	restarts int
	closed   bool
}

var _ Provider = (*Plugin)(nil)

func newPlugin(h *Host, name string, cmd *exec.Cmd, opts *LaunchOpts) *Plugin {
	life, end := context.WithCancel(context.Background())
	return &Plugin{host: h, name: name, tpl: cmd, opts: *opts, log: h.cfg.Logger.With("plugin", name),
		kick: make(chan struct{}, 1), life: life, end: end, stopped: make(chan struct{}), ready: make(chan struct{})}
}

// Name returns the name the plugin was loaded under.
func (p *Plugin) Name() string { return p.name }

// PID returns the current plugin process's ID, or 0 while it is down.
func (p *Plugin) PID() int {
	if pr := p.proc(); pr != nil {
		return pr.pid
	}
	return 0
}

// Restarts returns how many times the supervisor restarted the plugin.
func (p *Plugin) Restarts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.restarts
}

// WaitReady blocks until a plugin process is serving (it answers a ping)
// or ctx ends. A process found dead or frozen is handed to the supervisor,
// and WaitReady waits for its replacement. After [Host.Close] it returns an
// error wrapping [ErrPluginUnavailable].
func (p *Plugin) WaitReady(ctx context.Context) error {
	for {
		p.mu.Lock()
		ready, closed := p.ready, p.closed
		p.mu.Unlock()
		if closed {
			return unavailable("closed", nil)
		}
		select {
		case <-ready:
		case <-p.life.Done():
			return unavailable("closed", nil)
		case <-ctx.Done():
			return contextDone(ctx)
		}
		pr := p.proc()
		if pr == nil {
			continue // replaced meanwhile: wait for the next one
		}
		err := pr.ping(ctx, p.host.cfg.PingTimeout)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return contextDone(ctx)
		}
		p.retire(pr, err)
		p.wake()
	}
}

func (p *Plugin) proc() *proc {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur
}

// clientConfig is go-plugin's configuration for one process started by cmd.
func (p *Plugin) clientConfig(cmd *exec.Cmd) *plugin.ClientConfig {
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          pluginSet(nil, nil),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		StartTimeout:     p.host.cfg.StartTimeout,
		Logger:           hclogFor(p.host.cfg.Logger, p.name),
		Stderr:           p.host.cfg.Stderr,
	}
	if p.opts.Checksum != nil {
		cfg.SecureConfig = &plugin.SecureConfig{Checksum: p.opts.Checksum, Hash: sha256.New()}
	}
	return cfg
}

// start launches a process and makes it current, unless the plugin was
// closed meanwhile.
func (p *Plugin) start(ctx context.Context) error {
	cmd, sigkill := command(p.tpl, p.opts.Env)
	pr, err := launch(ctx, p.clientConfig(cmd), sigkill, p.host.cfg.StartTimeout)
	if err != nil {
		return startError(p.name, err)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		pr.stop(0, p.log)
		return unavailable("closed", nil)
	}
	p.cur = pr
	close(p.ready)
	p.mu.Unlock()
	return nil
}

// current returns the live provider or a retryable error while it is down.
func (p *Plugin) current() (Provider, error) {
	p.mu.Lock()
	pr, closed := p.cur, p.closed
	p.mu.Unlock()
	switch {
	case closed:
		return nil, unavailable("closed", nil)
	case pr == nil:
		e := unavailable("restarting", nil)
		e.Class = retry.ClassConnRefused
		return nil, e
	}
	return pr.prov, nil
}

// unavailable is the error of a call that could not reach the plugin.
func unavailable(why string, cause error) *Error {
	err := ErrPluginUnavailable
	if cause != nil {
		err = errors.Join(ErrPluginUnavailable, cause)
	}
	return &Error{Kind: KindRetryable, Class: retry.ClassNetwork, Message: "plugin unavailable (" + why + ")", Err: err}
}

// wake asks the supervisor to check the plugin now.
func (p *Plugin) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// retire takes pr out of service, if it is still current, and stops it.
func (p *Plugin) retire(pr *proc, why error) <-chan struct{} {
	p.mu.Lock()
	current := p.cur == pr
	if current {
		p.cur = nil
		p.ready = make(chan struct{})
	}
	p.mu.Unlock()
	if current {
		p.log.Warn("providers: plugin down", "pid", pr.pid, "reason", why)
	}
	return pr.stop(p.host.cfg.KillGrace, p.log)
}

// supervise pings the plugin and replaces a dead or frozen process, until
// the plugin is closed.
func (p *Plugin) supervise() {
	defer close(p.stopped)
	t := time.NewTicker(p.host.cfg.PingInterval)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-p.life.Done():
			return
		case <-t.C:
		case <-p.kick:
		}
		if pr := p.proc(); pr != nil {
			err := pr.ping(p.life, p.host.cfg.PingTimeout)
			if err == nil {
				failures = 0
				continue
			}
			if p.life.Err() != nil {
				return
			}
			if !p.await(p.retire(pr, err), p.host.cfg.StopTimeout) {
				return
			}
		}
		if !p.restart(&failures) {
			return
		}
	}
}

// await waits for ch, at most d; it returns false if the plugin was closed
// first.
func (p *Plugin) await(ch <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
		p.log.Error("providers: plugin process outlived its stop", "timeout", d)
	case <-p.life.Done():
		return false
	}
	return true
}

// restart starts a new process after a backoff that doubles with each
// consecutive failure. It returns false if the plugin was closed first.
func (p *Plugin) restart(failures *int) bool {
	for {
		delay := backoff(p.host.cfg.RestartMin, p.host.cfg.RestartMax, *failures)
		*failures++
		p.log.Warn("providers: plugin down, restarting", "in", delay)
		t := time.NewTimer(delay)
		select {
		case <-p.life.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		err := p.start(p.life)
		if err == nil {
			p.mu.Lock()
			p.restarts++
			n := p.restarts
			p.mu.Unlock()
			p.log.Info("providers: plugin restarted", "pid", p.PID(), "restarts", n)
			return true
		}
		if p.life.Err() != nil {
			return false
		}
		p.log.Error("providers: plugin restart failed", "err", err)
	}
}

// backoff returns min·2^n capped at max.
func backoff(minDelay, maxDelay time.Duration, n int) time.Duration {
	d := minDelay
	for i := 0; i < n && d < maxDelay; i++ {
		d *= 2
	}
	return min(d, maxDelay)
}

// close stops the supervisor and the process, and returns by deadline
// whatever they do.
func (p *Plugin) close(deadline time.Time) {
	p.end()
	p.mu.Lock()
	pr := p.cur
	p.cur, p.closed = nil, true
	p.mu.Unlock()
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	if pr != nil {
		select {
		case <-pr.stop(p.host.cfg.KillGrace, p.log):
		case <-t.C:
			p.log.Error("providers: plugin process outlived Close", "pid", pr.pid)
			return
		}
	}
	select {
	case <-p.stopped:
	case <-t.C:
		p.log.Error("providers: plugin supervisor outlived Close")
	}
}

// String returns "plugin <name> (pid <pid>)".
func (p *Plugin) String() string { return fmt.Sprintf("plugin %s (pid %d)", p.name, p.PID()) }
