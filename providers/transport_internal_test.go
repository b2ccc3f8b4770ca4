package providers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/intimeos/integrations/retry"
)

func TestTransportError(t *testing.T) {
	t.Parallel()
	live := context.Background()
	canceled, cancel := context.WithCancel(live)
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		err       error
		kind      Kind
		class     retry.Class
		message   string
		available bool
	}{
		{"closing under a live caller", live, status.Error(codes.Canceled, "grpc: the client connection is closing"),
			KindRetryable, retry.ClassNetwork, "plugin unavailable (connection lost)", false},
		{"handshake to a dead process", live, status.Error(codes.Unavailable,
			`connection error: desc = "transport: authentication handshake failed: read tcp: connection reset by peer"`),
			KindRetryable, retry.ClassNetwork, "plugin unavailable (connection lost)", false},
		{"caller canceled", canceled, status.Error(codes.Canceled, "context canceled"),
			KindCanceled, retry.ClassCanceled, "canceled", true},
		{"unimplemented", live, status.Error(codes.Unimplemented, "unknown method Foo"),
			KindUnsupported, retry.ClassPermanent, "unknown method Foo", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := AsError(transportError(tt.ctx, tt.err))
			require.Equal(t, tt.kind, e.Kind)
			require.Equal(t, tt.class, e.RetryClass())
			require.Equal(t, tt.message, e.Message)
			require.Equal(t, tt.available, !errors.Is(e, ErrPluginUnavailable))
		})
	}
}

// TestConnectionClosedUnderCall: the plugin's connection closes under a
// call in flight and before another, while the callers' contexts are alive
// (as when the supervisor replaces a process). Both calls are "plugin
// unavailable", and a group moves on to its backup.
func TestConnectionClosedUnderCall(t *testing.T) {
	t.Parallel()
	// No ping, and no restart before the test ends: the primary stays down.
	h, err := NewHost(&Config{PingInterval: time.Hour, RestartMin: time.Hour, RestartMax: time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, h.Close()) })
	p, err := h.LoadSelf(t.Context(), "echo", nil)
	require.NoError(t, err)

	dir := t.TempDir()
	inFlight := make(chan error, 1)
	go func() {
		_, err := p.Do(context.Background(), Settings{"holdDir": dir}, &Operation{Name: "hold", IdempotencyKey: "a"})
		inFlight <- err
	}()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "a.in")); err == nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "the call never reached the plugin")
	}
	require.NoError(t, p.proc().conn.Close())

	select {
	case err = <-inFlight:
	case <-time.After(2 * time.Minute):
		t.Fatal("the call in flight did not return")
	}
	requireUnavailable(t, err)
	require.Equal(t, "plugin unavailable (connection lost)", AsError(err).Message)
	// The failed call woke the supervisor, which may have retired the
	// process already.
	_, err = p.Do(context.Background(), nil, &Operation{Name: "pid"})
	requireUnavailable(t, err)
	require.Regexp(t, `^plugin unavailable \((connection lost|restarting)\)$`, AsError(err).Message)

	g, err := NewGroup(&GroupConfig{Name: "Echo", Members: []*Instance{
		NewInstance("Primary", p, nil, nil), NewInstance("Backup", backupProvider{}, nil, nil)}})
	require.NoError(t, err)
	r, err := g.Call(context.Background(), &Operation{Name: "pid"})
	require.NoError(t, err)
	require.Equal(t, "backup", string(r.Payload))
}

func requireUnavailable(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, ErrPluginUnavailable)
	require.Equal(t, KindRetryable, KindOf(err))
	require.True(t, retry.IsRetryable(err))
}

type backupProvider struct{ UnimplementedProvider }

func (backupProvider) Do(context.Context, Settings, *Operation) (*Result, error) {
	return &Result{Payload: []byte("backup")}, nil
}
