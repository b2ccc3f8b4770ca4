package providers

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"

	"github.com/intimeos/integrations/retry"
)

// Plugin is a provider running in a supervised plugin process. It
// implements [Provider]: calls go to the current process over gRPC. When the
// process dies, calls fail with a [KindRetryable] error wrapping
// [ErrPluginUnavailable] and the supervisor restarts it with backoff. A
// Plugin is created by [Host.Launch], [Host.LoadSelf] or [Host.LoadDir].
type Plugin struct {
	host *Host
	name string
	tpl  *exec.Cmd
	opts LaunchOpts

	kick    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once

	mu       sync.Mutex
	client   *plugin.Client
	conn     *grpc.ClientConn
	prov     Provider
	pid      int
	restarts int
	ready    chan struct{} // closed while prov != nil
}

var _ Provider = (*Plugin)(nil)

func newPlugin(h *Host, name string, cmd *exec.Cmd, opts *LaunchOpts) *Plugin {
	return &Plugin{host: h, name: name, tpl: cmd, opts: *opts, kick: make(chan struct{}, 1),
		stop: make(chan struct{}), stopped: make(chan struct{}), ready: make(chan struct{})}
}

// Name returns the name the plugin was loaded under.
func (p *Plugin) Name() string { return p.name }

// PID returns the current plugin process's ID, or 0 while it is down.
func (p *Plugin) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pid
}

// Restarts returns how many times the supervisor restarted the plugin.
func (p *Plugin) Restarts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.restarts
}

// WaitReady blocks until the plugin process is up or ctx ends.
func (p *Plugin) WaitReady(ctx context.Context) error {
	p.mu.Lock()
	ch := p.ready
	p.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return contextDone(ctx)
	}
}

// command returns a fresh copy of the launch command (an exec.Cmd runs once).
func (p *Plugin) command() *exec.Cmd {
	cmd := exec.Command(p.tpl.Path, p.tpl.Args[1:]...)
	cmd.Dir = p.tpl.Dir
	cmd.Env = append([]string(nil), p.opts.Env...)
	if p.tpl.SysProcAttr != nil {
		attr := *p.tpl.SysProcAttr
		cmd.SysProcAttr = &attr
	}
	bindToParent(cmd)
	return cmd
}

// start launches a process and connects to it. Every error path kills it.
func (p *Plugin) start(ctx context.Context) error {
	cfg := &plugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          pluginSet(nil),
		Cmd:              p.command(),
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
	c := plugin.NewClient(cfg)
	prov, conn, err := connect(ctx, c)
	if err != nil {
		c.Kill()
		return startError(p.name, err)
	}
	p.mu.Lock()
	p.client, p.conn, p.prov, p.pid = c, conn, prov, c.ReattachConfig().Pid
	close(p.ready)
	p.mu.Unlock()
	return nil
}

// connect runs go-plugin's blocking start under ctx and dispenses the
// provider.
func connect(ctx context.Context, c *plugin.Client) (Provider, *grpc.ClientConn, error) {
	type result struct {
		rpc plugin.ClientProtocol
		err error
	}
	done := make(chan result, 1)
	go func() {
		rpc, err := c.Client()
		done <- result{rpc, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		c.Kill()
		<-done
		return nil, nil, ctx.Err()
	}
	if r.err != nil {
		return nil, nil, r.err
	}
	raw, err := r.rpc.Dispense(pluginName)
	if err != nil {
		return nil, nil, err
	}
	prov, ok1 := raw.(*grpcClient)
	gc, ok2 := r.rpc.(*plugin.GRPCClient)
	if !ok1 || !ok2 {
		return nil, nil, errors.New("providers: plugin did not dispense a gRPC provider")
	}
	return prov, gc.Conn, nil
}

// current returns the live provider or a retryable error while it is down.
func (p *Plugin) current() (Provider, error) {
	p.mu.Lock()
	prov := p.prov
	p.mu.Unlock()
	if prov == nil {
		return nil, &Error{Kind: KindRetryable, Class: retry.ClassConnRefused,
			Message: "plugin " + p.name + " is restarting", Err: ErrPluginUnavailable}
	}
	return prov, nil
}

// observe wakes the supervisor when a call found the plugin gone.
func (p *Plugin) observe(err error) {
	if errors.Is(err, ErrPluginUnavailable) {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
}

// supervise pings the plugin and restarts it when it is gone, until close.
func (p *Plugin) supervise() {
	defer close(p.stopped)
	t := time.NewTicker(p.host.cfg.PingInterval)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		case <-p.kick:
		}
		if p.healthy() {
			failures = 0
			continue
		}
		p.down()
		if !p.restart(&failures) {
			return
		}
	}
}

// healthy reports whether the process is alive and answers a ping.
func (p *Plugin) healthy() bool {
	p.mu.Lock()
	c, conn := p.client, p.conn
	p.mu.Unlock()
	if c == nil || c.Exited() {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.host.cfg.PingTimeout)
	defer cancel()
	_, err := grpc_health_v1.NewHealthClient(conn).Check(ctx,
		&grpc_health_v1.HealthCheckRequest{Service: plugin.GRPCServiceName})
	return err == nil
}

// down kills the current process, if any, and marks the plugin unavailable.
func (p *Plugin) down() {
	p.mu.Lock()
	c := p.client
	if p.prov != nil {
		p.ready = make(chan struct{})
	}
	p.client, p.conn, p.prov, p.pid = nil, nil, nil, 0
	p.mu.Unlock()
	if c != nil {
		c.Kill()
	}
}

// restart starts a new process after a backoff that doubles with each
// consecutive failure. It returns false if the plugin was closed first.
func (p *Plugin) restart(failures *int) bool {
	log := p.host.cfg.Logger
	for {
		delay := backoff(p.host.cfg.RestartMin, p.host.cfg.RestartMax, *failures)
		*failures++
		log.Warn("providers: plugin down, restarting", "plugin", p.name, "in", delay)
		select {
		case <-p.stop:
			return false
		case <-time.After(delay):
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-p.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		err := p.start(ctx)
		cancel()
		if err == nil {
			p.mu.Lock()
			p.restarts++
			n, pid := p.restarts, p.pid
			p.mu.Unlock()
			log.Info("providers: plugin restarted", "plugin", p.name, "pid", pid, "restarts", n)
			return true
		}
		log.Error("providers: plugin restart failed", "plugin", p.name, "err", err)
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

// close stops the supervisor and kills the process.
func (p *Plugin) close() {
	p.once.Do(func() {
		close(p.stop)
		<-p.stopped
		p.down()
	})
}

func (p *Plugin) call(err error) error {
	p.observe(err)
	return err
}

// Info implements [Provider].
func (p *Plugin) Info(ctx context.Context) (*Info, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	i, err := prov.Info(ctx)
	return i, p.call(err)
}

// Validate implements [Provider].
func (p *Plugin) Validate(ctx context.Context, s Settings) error {
	prov, err := p.current()
	if err != nil {
		return err
	}
	return p.call(prov.Validate(ctx, s))
}

// Check implements [Provider].
func (p *Plugin) Check(ctx context.Context, s Settings) (*CheckResult, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	r, err := prov.Check(ctx, s)
	return r, p.call(err)
}

// Do implements [Provider].
func (p *Plugin) Do(ctx context.Context, s Settings, op *Operation) (*Result, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	r, err := prov.Do(ctx, s, op)
	return r, p.call(err)
}

// HandleWebhook implements [Provider].
func (p *Plugin) HandleWebhook(ctx context.Context, s Settings, req *WebhookRequest) ([]Event, error) {
	prov, err := p.current()
	if err != nil {
		return nil, err
	}
	evs, err := prov.HandleWebhook(ctx, s, req)
	return evs, p.call(err)
}

// String returns "plugin <name> (pid <pid>)".
func (p *Plugin) String() string { return fmt.Sprintf("plugin %s (pid %d)", p.name, p.PID()) }
