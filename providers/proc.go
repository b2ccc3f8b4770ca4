package providers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"
)

// proc is one plugin process and its connection. A [Plugin] replaces its
// proc when the process dies or freezes.
type proc struct {
	client *plugin.Client
	conn   *grpc.ClientConn
	prov   Provider
	pid    int
	// sigkill kills the process (SIGKILL): it cancels the context the
	// command was made with, so exec kills it without racing go-plugin's
	// own use of the command.
	sigkill context.CancelFunc

	once sync.Once
	gone chan struct{} // closed when the process is gone and go-plugin is done with it
}

var errExited = errors.New("providers: plugin process exited")

// ping checks that the process answers the health service within timeout.
func (pr *proc) ping(ctx context.Context, timeout time.Duration) error {
	if pr.client.Exited() {
		return errExited
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := grpc_health_v1.NewHealthClient(pr.conn).Check(ctx,
		&grpc_health_v1.HealthCheckRequest{Service: plugin.GRPCServiceName})
	if err != nil {
		return err
	}
	if s := resp.GetStatus(); s != grpc_health_v1.HealthCheckResponse_SERVING {
		return fmt.Errorf("providers: plugin health status %s", s)
	}
	return nil
}

// stop asks the process to exit and kills it with SIGKILL if it has not
// after grace, however frozen it is. It returns at once; the channel is
// closed when the process is gone. Calling it again returns the same channel.
func (pr *proc) stop(grace time.Duration, log *slog.Logger) <-chan struct{} {
	pr.once.Do(func() { go pr.kill(grace, log) })
	return pr.gone
}

func (pr *proc) kill(grace time.Duration, log *slog.Logger) {
	defer close(pr.gone)
	defer pr.sigkill()
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		// go-plugin's Kill asks the plugin to shut down and waits for the
		// process to exit, forever if it is frozen: hence the grace.
		pr.client.Kill()
	}()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-exited:
		return
	case <-t.C:
	}
	log.Warn("providers: plugin did not exit in time, killing it", "pid", pr.pid, "grace", grace)
	pr.sigkill()
	<-exited
}

// launch starts a process from cmd, connects to it and checks that it
// serves. Every error path kills the process.
func launch(ctx context.Context, cfg *plugin.ClientConfig, sigkill context.CancelFunc, pingTimeout time.Duration) (*proc, error) {
	c := plugin.NewClient(cfg)
	prov, conn, err := connect(ctx, c, sigkill)
	if err != nil {
		sigkill()
		c.Kill()
		return nil, err
	}
	pr := &proc{client: c, conn: conn, prov: prov, pid: c.ReattachConfig().Pid, sigkill: sigkill, gone: make(chan struct{})}
	if err := pr.ping(ctx, pingTimeout); err != nil {
		sigkill()
		c.Kill()
		return nil, fmt.Errorf("providers: the plugin does not answer its health check: %w", err)
	}
	return pr, nil
}

// connect runs go-plugin's blocking start under ctx and dispenses the
// provider. When ctx ends first, the process is killed, which ends the
// start at once.
func connect(ctx context.Context, c *plugin.Client, sigkill context.CancelFunc) (Provider, *grpc.ClientConn, error) {
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
		sigkill()
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

// command returns a fresh copy of the launch template (an exec.Cmd runs
// once), bound to a context whose cancellation kills the process.
func command(tpl *exec.Cmd, env []string) (*exec.Cmd, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, tpl.Path, tpl.Args[1:]...)
	cmd.Dir = tpl.Dir
	cmd.Env = append([]string(nil), env...)
	if tpl.SysProcAttr != nil {
		attr := *tpl.SysProcAttr
		cmd.SysProcAttr = &attr
	}
	bindToParent(cmd)
	return cmd, cancel
}
