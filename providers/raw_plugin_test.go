package providers_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/intimeos/integrations/providers"
	pb "github.com/intimeos/integrations/providers/proto"
	"github.com/intimeos/integrations/retry"
)

// serveRaw is a provider plugin written as docs/plugins.md tells an author
// in another language to write one: no go-plugin and nothing of package
// providers, only a gRPC server of provider.proto's service and the
// standard health service, the handshake line and automatic mutual TLS.
func serveRaw() {
	// 1. The host sets the cookie and the protocol versions it speaks.
	if os.Getenv("INTIME_PROVIDER_PLUGIN") != "6c1b0f5e-intime-provider-v1" {
		fmt.Fprintln(os.Stderr, "this program is a plugin for an InTime host; it is not meant to be run directly")
		os.Exit(1)
	}
	if !slices.Contains(strings.Split(os.Getenv("PLUGIN_PROTOCOL_VERSIONS"), ","), "1") {
		fmt.Fprintln(os.Stderr, "the host does not speak protocol version 1")
		os.Exit(1)
	}
	// 2. Automatic mutual TLS: trust only the host's certificate, and answer
	// with a self-signed one for "localhost".
	clients := x509.NewCertPool()
	if !clients.AppendCertsFromPEM([]byte(os.Getenv("PLUGIN_CLIENT_CERT"))) {
		fmt.Fprintln(os.Stderr, "no PLUGIN_CLIENT_CERT")
		os.Exit(1)
	}
	cert, der := selfSigned()
	creds := credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clients})
	// 3. The gRPC server: the Provider service and the health service, with
	// "plugin" SERVING.
	lis, err := listenInRange()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := grpc.NewServer(grpc.Creds(creds))
	pb.RegisterProviderServer(srv, rawProvider{})
	hs := health.NewServer()
	hs.SetServingStatus("plugin", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	// 4. The handshake line, then serve until killed.
	fmt.Printf("1|1|tcp|%s|grpc|%s\n", lis.Addr(), base64.RawStdEncoding.EncodeToString(der))
	_ = srv.Serve(lis)
	os.Exit(0)
}

// listenInRange listens on a free port between PLUGIN_MIN_PORT and
// PLUGIN_MAX_PORT, starting at a random one.
func listenInRange() (net.Listener, error) {
	lo, err1 := strconv.Atoi(os.Getenv("PLUGIN_MIN_PORT"))
	hi, err2 := strconv.Atoi(os.Getenv("PLUGIN_MAX_PORT"))
	if err1 != nil || err2 != nil || lo <= 0 || hi < lo {
		return net.Listen("tcp", "127.0.0.1:0")
	}
	start := mrand.IntN(hi - lo + 1)
	for i := range hi - lo + 1 {
		port := lo + (start+i)%(hi-lo+1)
		if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err == nil {
			return l, nil
		}
	}
	return nil, fmt.Errorf("no free port between %d and %d", lo, hi)
}

func selfSigned() (tls.Certificate, []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der
}

// rawProvider implements the service of provider.proto directly.
type rawProvider struct {
	pb.UnimplementedProviderServer
}

func (rawProvider) Info(context.Context, *pb.InfoRequest) (*pb.InfoResponse, error) {
	return &pb.InfoResponse{Info: &pb.Info{Name: "raw", DisplayName: "Raw", Types: []string{"test"}, Version: "0.1.0",
		Capabilities: []string{"echo", "busy"},
		Fields: []*pb.Field{{Name: "token", Type: "password", Required: true, Secret: true,
			Messages: &pb.FieldMessages{Empty: "Token is required"}}}}}, nil
}

func (rawProvider) Validate(_ context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	if req.Settings["token"] == "" {
		return &pb.ValidateResponse{FieldErrors: []*pb.FieldError{{Field: "token", Message: "Token is required"}}}, nil
	}
	return &pb.ValidateResponse{}, nil
}

func (rawProvider) Do(_ context.Context, req *pb.DoRequest) (*pb.DoResponse, error) {
	switch req.Operation {
	case "echo":
		return &pb.DoResponse{Payload: req.Payload}, nil
	case "busy":
		return &pb.DoResponse{Error: &pb.Error{Kind: "rate_limited", Class: "rate_limited",
			RetryAfterNanos: int64(7 * time.Second), Message: "slow down"}}, nil
	}
	return &pb.DoResponse{Error: &pb.Error{Kind: "unsupported", Message: "operation " + req.Operation + " is not supported"}}, nil
}

// TestRawProtocolPlugin: a plugin that speaks the published protocol
// without the SDK loads, answers, reports its errors with their kind and
// wait, is supervised and stops.
func TestRawProtocolPlugin(t *testing.T) {
	t.Parallel()
	h := newHost(t)
	p, err := h.Launch(t.Context(), "raw", exec.Command(os.Args[0], "--providers-test-mode=raw"), nil)
	require.NoError(t, err)
	require.NoError(t, p.WaitReady(t.Context()))
	info, err := p.Info(t.Context())
	require.NoError(t, err)
	require.Equal(t, "raw", info.Name)
	require.Equal(t, "Token is required", p.Validate(t.Context(), nil).(*providers.ValidationError).Field("token"))

	r, err := p.Do(t.Context(), providers.Settings{"token": "t"}, &providers.Operation{Name: "echo", Payload: []byte(`{"a":1}`)})
	require.NoError(t, err)
	require.JSONEq(t, `{"a":1}`, string(r.Payload))
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: "busy"})
	require.Equal(t, providers.KindRateLimited, providers.KindOf(err))
	require.Equal(t, 7*time.Second, retry.ClassifyError(err).RetryAfter)
	_, err = p.Do(t.Context(), nil, &providers.Operation{Name: "nope"})
	require.ErrorIs(t, err, providers.ErrUnsupported)
	_, err = p.Check(t.Context(), nil)
	require.ErrorIs(t, err, providers.ErrUnsupported, "a method the plugin does not implement")
}
