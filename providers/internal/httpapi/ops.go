package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/providers"
)

// Handler runs one operation with its payload and returns its result,
// encoded as JSON by [Dispatch].
type Handler[C any] func(ctx context.Context, c C, payload json.RawMessage) (any, error)

// Dispatch runs op with the handler of its name, or answers
// [providers.UnknownOperation]. setup parses the settings once the
// operation is known.
func Dispatch[C any](ctx context.Context, name string, handlers map[string]Handler[C], op *providers.Operation,
	setup func() (C, error)) (*providers.Result, error) {
	if op == nil {
		return nil, providers.UnknownOperation(op)
	}
	h, ok := handlers[op.Name]
	if !ok {
		return nil, providers.UnknownOperation(op)
	}
	c, err := setup()
	if err != nil {
		return nil, err
	}
	out, err := h(ctx, c, op.Payload)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("%s: encode result: %w", name, err)
	}
	return &providers.Result{Payload: b}, nil
}

// Decode decodes an operation's payload into a T; an empty payload is the
// zero T. A payload that is not JSON is [providers.KindInvalidInput].
func Decode[T any](name, op string, payload json.RawMessage) (*T, error) {
	var v T
	if len(bytes.TrimSpace(payload)) == 0 {
		return &v, nil
	}
	if err := json.Unmarshal(payload, &v); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("%s: %s: decode payload: %w", name, op, err))
	}
	return &v, nil
}

// Invalid returns a [providers.KindInvalidInput] error "name: op: msg".
func Invalid(name, op, msg string) error {
	return providers.InvalidInput(errors.New(name + ": " + op + ": " + msg))
}

// Call runs operation op with payload in through c and decodes its result:
// the body of the typed helpers hosts call.
func Call[Out any](ctx context.Context, c providers.Caller, name, op string, in any, key string) (*Out, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("%s: %s: encode payload: %w", name, op, err))
	}
	res, err := c.Call(ctx, &providers.Operation{Name: op, Payload: payload, IdempotencyKey: key})
	if err != nil {
		return nil, err
	}
	var out Out
	if len(res.Payload) > 0 {
		if err := json.Unmarshal(res.Payload, &out); err != nil {
			return nil, fmt.Errorf("%s: %s: decode result: %w", name, op, err)
		}
	}
	return &out, nil
}

// DecodeBody decodes a service's 2xx JSON answer; one that is not JSON is a
// [providers.KindPermanent] error.
func DecodeBody(name, what string, body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		return providers.NewError(providers.KindPermanent, fmt.Errorf("%s: decode %s: %w", name, what, err))
	}
	return nil
}
