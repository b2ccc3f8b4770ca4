package providers

import (
	"errors"
	"net/http"
	"time"

	pb "github.com/intimeos/integrations/providers/proto"
	"github.com/intimeos/integrations/retry"
)

// This file converts between the Go types and their protobuf messages.

func errorToProto(err error) *pb.Error {
	e := AsError(err)
	if e == nil {
		return nil
	}
	m := &pb.Error{Kind: e.Kind.String(), Class: e.RetryClass().String(), RetryAfterNanos: int64(e.RetryAfter), Message: e.Message}
	var pe *PanicError
	if errors.As(err, &pe) {
		m.Panic = &pb.Panic{Method: pe.Method, Value: pe.Value}
	}
	return m
}

func errorFromProto(m *pb.Error) error {
	if m == nil {
		return nil
	}
	if p := m.GetPanic(); p != nil {
		return panicFrom(&PanicError{Method: p.Method, Value: p.Value})
	}
	c, _ := retry.ParseClass(m.Class)
	e := &Error{Kind: parseKind(m.Kind), Class: c, RetryAfter: time.Duration(m.RetryAfterNanos), Message: m.Message}
	if e.Kind == KindUnsupported {
		e.Err = ErrUnsupported
	}
	return e
}

func infoToProto(i *Info) *pb.Info {
	m := &pb.Info{Name: i.Name, DisplayName: i.DisplayName, Types: i.Types, Version: i.Version, Capabilities: i.Capabilities}
	for _, f := range i.Fields {
		m.Fields = append(m.Fields, &pb.Field{
			Name: f.Name, Label: f.Label, Type: string(f.Type), Required: f.Required, Secret: f.Secret,
			Default: f.Default, Placeholder: f.Placeholder, MaxLength: int64(f.MaxLength), Min: f.Min, Max: f.Max,
			Options: f.Options, Pattern: f.Pattern, Schemes: f.Schemes, LoopbackHttp: f.LoopbackHTTP,
			Messages: &pb.FieldMessages{Empty: f.Messages.Empty, Invalid: f.Messages.Invalid, TooLong: f.Messages.TooLong,
				BelowMin: f.Messages.BelowMin, AboveMax: f.Messages.AboveMax},
		})
	}
	return m
}

func infoFromProto(m *pb.Info) *Info {
	if m == nil {
		return &Info{}
	}
	i := &Info{Name: m.Name, DisplayName: m.DisplayName, Types: m.Types, Version: m.Version, Capabilities: m.Capabilities}
	for _, f := range m.Fields {
		msgs := f.GetMessages()
		i.Fields = append(i.Fields, Field{
			Name: f.Name, Label: f.Label, Type: FieldType(f.Type), Required: f.Required, Secret: f.Secret,
			Default: f.Default, Placeholder: f.Placeholder, MaxLength: int(f.MaxLength), Min: f.Min, Max: f.Max,
			Options: f.Options, Pattern: f.Pattern, Schemes: f.Schemes, LoopbackHTTP: f.LoopbackHttp,
			Messages: FieldMessages{Empty: msgs.GetEmpty(), Invalid: msgs.GetInvalid(), TooLong: msgs.GetTooLong(),
				BelowMin: msgs.GetBelowMin(), AboveMax: msgs.GetAboveMax()},
		})
	}
	return i
}

func stagesToProto(r *CheckResult) []*pb.Stage {
	out := make([]*pb.Stage, len(r.Stages))
	for i, s := range r.Stages {
		out[i] = &pb.Stage{Name: string(s.Name), Status: string(s.Status), DurationNanos: int64(s.Duration),
			Class: s.Class.String(), Message: s.Message}
	}
	return out
}

func stagesFromProto(ms []*pb.Stage) *CheckResult {
	r := &CheckResult{Stages: make([]Stage, len(ms))}
	for i, m := range ms {
		c, _ := retry.ParseClass(m.Class)
		r.Stages[i] = Stage{Name: StageName(m.Name), Status: StageStatus(m.Status), Duration: time.Duration(m.DurationNanos),
			Class: c, Message: m.Message}
	}
	return r
}

func headersToProto(h http.Header) []*pb.Header {
	out := make([]*pb.Header, 0, len(h))
	for k, v := range h {
		out = append(out, &pb.Header{Name: k, Values: v})
	}
	return out
}

func headersFromProto(ms []*pb.Header) http.Header {
	h := make(http.Header, len(ms))
	for _, m := range ms {
		h[m.Name] = m.Values
	}
	return h
}

func eventsToProto(evs []Event) []*pb.Event {
	out := make([]*pb.Event, len(evs))
	for i, e := range evs {
		out[i] = &pb.Event{Id: e.ID, Type: e.Type, Data: e.Data}
		if !e.Time.IsZero() {
			out[i].TimeUnixNanos = e.Time.UnixNano()
		}
	}
	return out
}

func eventsFromProto(ms []*pb.Event) []Event {
	out := make([]Event, len(ms))
	for i, m := range ms {
		out[i] = Event{ID: m.Id, Type: m.Type, Data: m.Data}
		if m.TimeUnixNanos != 0 {
			out[i].Time = time.Unix(0, m.TimeUnixNanos).UTC()
		}
	}
	return out
}
