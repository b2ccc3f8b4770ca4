package providers

import (
	"context"
	"errors"

	pb "github.com/intimeos/integrations/providers/proto"
)

// grpcServer serves a Provider over gRPC in the plugin process. Provider
// errors travel in the response; the gRPC status stays OK. impl is guarded
// (see guard): a panic is that call's error.
type grpcServer struct {
	pb.UnimplementedProviderServer
	impl Provider
}

// errNoResult is the error of a method that returned neither a result nor
// an error.
func errNoResult(method string) error {
	return &Error{Kind: KindPermanent, Message: "provider returned no result and no error from " + method}
}

func (s *grpcServer) Info(ctx context.Context, _ *pb.InfoRequest) (*pb.InfoResponse, error) {
	i, err := s.impl.Info(ctx)
	if err == nil && i == nil {
		err = errNoResult("Info")
	}
	if err != nil {
		return &pb.InfoResponse{Error: errorToProto(err)}, nil
	}
	return &pb.InfoResponse{Info: infoToProto(i)}, nil
}

func (s *grpcServer) Validate(ctx context.Context, req *pb.ValidateRequest) (*pb.ValidateResponse, error) {
	err := s.impl.Validate(ctx, req.Settings)
	var ve *ValidationError
	if errors.As(err, &ve) {
		resp := &pb.ValidateResponse{}
		for _, f := range ve.Fields {
			resp.FieldErrors = append(resp.FieldErrors, &pb.FieldError{Field: f.Field, Message: f.Message})
		}
		return resp, nil
	}
	return &pb.ValidateResponse{Error: errorToProto(err)}, nil
}

func (s *grpcServer) Check(ctx context.Context, req *pb.CheckRequest) (*pb.CheckResponse, error) {
	r, err := s.impl.Check(ctx, req.Settings)
	if err == nil && r == nil {
		err = errNoResult("Check")
	}
	if err != nil {
		return &pb.CheckResponse{Error: errorToProto(err)}, nil
	}
	return &pb.CheckResponse{Stages: stagesToProto(r)}, nil
}

func (s *grpcServer) Do(ctx context.Context, req *pb.DoRequest) (*pb.DoResponse, error) {
	op := &Operation{Name: req.Operation, Payload: req.Payload, IdempotencyKey: req.IdempotencyKey}
	r, err := s.impl.Do(ctx, req.Settings, op)
	if err != nil {
		return &pb.DoResponse{Error: errorToProto(err)}, nil
	}
	if r == nil {
		return &pb.DoResponse{}, nil
	}
	return &pb.DoResponse{Payload: r.Payload}, nil
}

func (s *grpcServer) HandleWebhook(ctx context.Context, req *pb.WebhookRequest) (*pb.WebhookResponse, error) {
	evs, err := s.impl.HandleWebhook(ctx, req.Settings, &WebhookRequest{Header: headersFromProto(req.Headers), Body: req.Body})
	if err != nil {
		return &pb.WebhookResponse{Error: errorToProto(err)}, nil
	}
	return &pb.WebhookResponse{Events: eventsToProto(evs)}, nil
}
