package providers

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/intimeos/integrations/providers/proto"
)

// ProtocolVersion is the version of the host–plugin protocol. It changes
// only for incompatible changes; additions keep it (see [UnimplementedProvider]).
const ProtocolVersion = 1

// Handshake is the go-plugin handshake shared by hosts and plugins. A plugin
// built for another protocol version, or a program that is not a provider
// plugin, is refused with [ErrHandshake].
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "INTIME_PROVIDER_PLUGIN",
	MagicCookieValue: "6c1b0f5e-intime-provider-v1",
}

// pluginName is the one plugin a provider binary serves.
const pluginName = "provider"

// grpcPlugin is the go-plugin glue: it serves impl in the plugin process and
// dispenses a grpcClient in the host.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl Provider
	log  panicLog
}

var _ plugin.GRPCPlugin = (*grpcPlugin)(nil)

// GRPCServer implements [plugin.GRPCPlugin].
func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterProviderServer(s, &grpcServer{impl: guard(p.impl, p.log)})
	return nil
}

// GRPCClient implements [plugin.GRPCPlugin].
func (p *grpcPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &grpcClient{c: pb.NewProviderClient(c)}, nil
}

// pluginSet is the plugin map: impl and the log of its panics in a plugin
// process, nil in a host.
func pluginSet(impl Provider, log panicLog) plugin.PluginSet {
	return plugin.PluginSet{pluginName: &grpcPlugin{impl: impl, log: log}}
}
