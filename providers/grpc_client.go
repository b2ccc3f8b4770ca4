package providers

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/intimeos/integrations/providers/proto"
	"github.com/intimeos/integrations/retry"
)

// grpcClient is the host side of the protocol: a Provider whose methods
// are gRPC calls to a plugin process.
type grpcClient struct {
	c pb.ProviderClient
}

var _ Provider = (*grpcClient)(nil)

func (c *grpcClient) Info(ctx context.Context) (*Info, error) {
	resp, err := c.c.Info(ctx, &pb.InfoRequest{})
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if resp.Error != nil {
		return nil, errorFromProto(resp.Error)
	}
	return infoFromProto(resp.GetInfo()), nil
}

func (c *grpcClient) Validate(ctx context.Context, s Settings) error {
	resp, err := c.c.Validate(ctx, &pb.ValidateRequest{Settings: s})
	if err != nil {
		return transportError(ctx, err)
	}
	if len(resp.FieldErrors) > 0 {
		ve := &ValidationError{Fields: make([]FieldError, len(resp.FieldErrors))}
		for i, f := range resp.FieldErrors {
			ve.Fields[i] = FieldError{Field: f.Field, Message: f.Message}
		}
		return ve
	}
	return errorFromProto(resp.Error)
}

func (c *grpcClient) Check(ctx context.Context, s Settings) (*CheckResult, error) {
	resp, err := c.c.Check(ctx, &pb.CheckRequest{Settings: s})
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if resp.Error != nil {
		return nil, errorFromProto(resp.Error)
	}
	return stagesFromProto(resp.Stages), nil
}

func (c *grpcClient) Do(ctx context.Context, s Settings, op *Operation) (*Result, error) {
	resp, err := c.c.Do(ctx, &pb.DoRequest{Settings: s, Operation: op.Name, Payload: op.Payload, IdempotencyKey: op.IdempotencyKey})
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if resp.Error != nil {
		return nil, errorFromProto(resp.Error)
	}
	return &Result{Payload: resp.Payload}, nil
}

func (c *grpcClient) HandleWebhook(ctx context.Context, s Settings, req *WebhookRequest) ([]Event, error) {
	resp, err := c.c.HandleWebhook(ctx, &pb.WebhookRequest{Settings: s, Headers: headersToProto(req.Header), Body: req.Body})
	if err != nil {
		return nil, transportError(ctx, err)
	}
	if resp.Error != nil {
		return nil, errorFromProto(resp.Error)
	}
	return eventsFromProto(resp.Events), nil
}

// ErrPluginUnavailable is the cause of the error a call gets when the plugin
// process is gone or restarting (crashed, killed, not yet started). The
// error is [KindRetryable]: the supervisor restarts the plugin.
var ErrPluginUnavailable = errors.New("providers: plugin unavailable")

// transportError classifies a gRPC status error: the caller's context
// first, then the status code. A cancellation the caller did not ask for
// (its context is alive) means the connection went away under the call:
// the process died or is being replaced. Like a broken connection, that is
// "plugin unavailable (connection lost)", retryable, so that a [Group]
// tries its next member; the transport's own words (TLS handshakes, resets)
// stay in the wrapped error.
func transportError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return &Error{Kind: KindRetryable, Class: retry.ClassTimeout, Message: "deadline exceeded", Err: ctxErr}
		}
		return &Error{Kind: KindCanceled, Class: retry.ClassCanceled, Message: "canceled", Err: ctxErr}
	}
	st, _ := status.FromError(err)
	switch st.Code() {
	case codes.Unimplemented:
		return &Error{Kind: KindUnsupported, Message: st.Message(), Err: ErrUnsupported}
	case codes.DeadlineExceeded:
		return &Error{Kind: KindRetryable, Class: retry.ClassTimeout, Message: st.Message(), Err: err}
	case codes.Canceled, codes.Unavailable:
		return unavailable("connection lost", err)
	case codes.Aborted, codes.Internal, codes.Unknown:
		return &Error{Kind: KindRetryable, Class: retry.ClassNetwork, Message: "plugin unavailable: " + st.Message(),
			Err: errors.Join(ErrPluginUnavailable, err)}
	}
	return &Error{Kind: KindUnknown, Class: retry.ClassUnknown, Message: st.Message(), Err: err}
}
