package providers

import (
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// ServeWithOptions serves impl as Serve does, with extra gRPC server
// options: tests wedge a plugin's server with an interceptor.
func ServeWithOptions(impl Provider, opts ...grpc.ServerOption) {
	log := hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: os.Stderr, JSONFormat: true})
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         pluginSet(impl, hclogPanics(log)),
		GRPCServer: func(o []grpc.ServerOption) *grpc.Server {
			return plugin.DefaultGRPCServer(append(o, opts...))
		},
		Logger: log,
	})
	os.Exit(0)
}
