package providers_test

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	pb "github.com/intimeos/integrations/providers/proto"
)

// bareClient starts the test binary as a go-plugin gRPC plugin serving the
// generated code directly, with the same client settings as a Host.
func bareClient(b *testing.B) pb.ProviderClient {
	c := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  providers.Handshake,
		Plugins:          plugin.PluginSet{"provider": &bareServer{}},
		Cmd:              exec.Command(os.Args[0], "--providers-test-mode=bare"),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		SkipHostEnv:      true,
		Logger:           hclog.NewNullLogger(),
	})
	b.Cleanup(c.Kill)
	rpc, err := c.Client()
	require.NoError(b, err)
	raw, err := rpc.Dispense("provider")
	require.NoError(b, err)
	return raw.(pb.ProviderClient)
}

var benchPayload = []byte(`{"to":["a@example.com"],"subject":"Hello","text":"Hello there"}`)

// BenchmarkCall compares one provider call in process, through our plugin
// path, and as a bare go-plugin gRPC call, serially and 16-way parallel.
// The plugin/vs-bare benchmarks alternate both calls in the same loop and
// report their ratio (target ≤ 1.2).
func BenchmarkCall(b *testing.B) {
	h, err := providers.NewHost(nil)
	require.NoError(b, err)
	b.Cleanup(func() { _ = h.Close() })
	plug, err := h.LoadSelf(context.Background(), "echo", nil)
	require.NoError(b, err)
	bare := bareClient(b)
	inproc := &testProvider{}
	op := &providers.Operation{Name: "echo", Payload: benchPayload}
	ctx := context.Background()

	ours := func() {
		if _, err := plug.Do(ctx, nil, op); err != nil {
			b.Fatal(err)
		}
	}
	baseline := func() {
		if _, err := bare.Do(ctx, &pb.DoRequest{Operation: op.Name, Payload: op.Payload}); err != nil {
			b.Fatal(err)
		}
	}
	calls := map[string]func(){
		"in-process": func() { _, _ = inproc.Do(ctx, nil, op) },
		"plugin":     ours,
		"bare-grpc":  baseline,
	}
	for _, name := range []string{"in-process", "plugin", "bare-grpc"} {
		call := calls[name]
		b.Run(name+"/serial", func(b *testing.B) {
			for b.Loop() {
				call()
			}
		})
		b.Run(name+"/parallel16", func(b *testing.B) {
			b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					call()
				}
			})
		})
	}
	b.Run("plugin-vs-bare/serial", func(b *testing.B) {
		var tOurs, tBare time.Duration
		for b.Loop() {
			t0 := time.Now()
			ours()
			t1 := time.Now()
			baseline()
			tOurs += t1.Sub(t0)
			tBare += time.Since(t1)
		}
		report(b, tOurs, tBare)
	})
	b.Run("plugin-vs-bare/parallel16", func(b *testing.B) {
		b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ours()
			}
		})
		tOurs := time.Since(start)
		start = time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				baseline()
			}
		})
		report(b, tOurs, time.Since(start))
	})
}

func report(b *testing.B, ours, bare time.Duration) {
	n := float64(b.N)
	b.ReportMetric(float64(ours.Nanoseconds())/n, "plugin-ns/op")
	b.ReportMetric(float64(bare.Nanoseconds())/n, "bare-ns/op")
	b.ReportMetric(float64(ours)/float64(bare), "ratio")
}
