package providers_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"go.uber.org/goleak"
	"google.golang.org/grpc"

	"github.com/intimeos/integrations/providers"
	pb "github.com/intimeos/integrations/providers/proto"
)

// modeArg selects what a re-executed test binary does besides serving the
// providers by name: see TestMain.
const modeArg = "--providers-test-mode="

func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{
		"echo":    &testProvider{},
		"minimal": &minimalProvider{},
		// impostor announces itself as echo (Info.Name).
		"impostor": &testProvider{},
	})
	for _, a := range os.Args[1:] {
		if mode, ok := strings.CutPrefix(a, modeArg); ok {
			serveMode(mode)
		}
	}
	if os.Getenv("PROVIDERS_TEST_HELPER_HOST") == "1" {
		helperHost()
	}
	goleak.VerifyTestMain(m)
}

// serveMode runs the test binary as a misbehaving or bare plugin.
func serveMode(mode string) {
	hs := providers.Handshake
	switch mode {
	case "wrong-version":
		hs.ProtocolVersion = 99
	case "wrong-cookie":
		hs.MagicCookieValue = "something else"
	case "not-a-plugin":
		fmt.Println("hello, I am not a plugin")
		os.Exit(0)
	case "bare":
	case "wedge":
		providers.ServeWithOptions(&testProvider{}, grpc.UnaryInterceptor(wedgeable))
	case "raw":
		serveRaw()
	default:
		os.Exit(2)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: hs,
		Plugins:         plugin.PluginSet{"provider": &bareServer{}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          hclog.NewNullLogger(),
	})
	os.Exit(0)
}

// wedged is set by the "wedge" operation of a plugin served in wedge mode:
// from then on every call, pings and go-plugin's shutdown request included,
// hangs forever whatever its context says, as a deadlocked plugin would.
var wedged atomic.Bool

func wedgeable(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
	if d, ok := req.(*pb.DoRequest); ok && d.Operation == "wedge" {
		wedged.Store(true)
	}
	if wedged.Load() {
		select {}
	}
	return next(ctx, req)
}

// helperHost is a host process for TestHostKilledLeavesNoPlugin: it loads
// the echo plugin, prints its PID and waits to be killed.
func helperHost() {
	h, err := providers.NewHost(nil)
	if err != nil {
		os.Exit(1)
	}
	p, err := h.LoadSelf(context.Background(), "echo", nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(p.PID())
	select {}
}

// bareServer is go-plugin with the generated gRPC code and nothing of
// ours: the baseline of the benchmarks.
type bareServer struct {
	plugin.NetRPCUnsupportedPlugin
	pb.UnimplementedProviderServer
}

func (s *bareServer) GRPCServer(_ *plugin.GRPCBroker, g *grpc.Server) error {
	pb.RegisterProviderServer(g, s)
	return nil
}

func (s *bareServer) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return pb.NewProviderClient(c), nil
}

func (s *bareServer) Do(_ context.Context, req *pb.DoRequest) (*pb.DoResponse, error) {
	return &pb.DoResponse{Payload: req.Payload}, nil
}
