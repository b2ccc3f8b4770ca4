package httpapi

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/intimeos/integrations/providers"
)

// Validator is a payload that checks itself, returning a
// [providers.KindInvalidInput] error when it is wrong.
type Validator interface{ Validate() error }

// Run implements one operation of a typed package (calendar, meeting): it
// decodes op's payload into an In, lets fill complete it (nil for none),
// validates it, calls f and encodes f's result. pkg prefixes messages.
func Run[In any, PIn interface {
	*In
	Validator
}, Out any](ctx context.Context, pkg string, op *providers.Operation, fill func(PIn),
	f func(context.Context, PIn) (*Out, error)) (*providers.Result, error) {
	in, err := Decode[In](pkg, op.Name, op.Payload)
	if err != nil {
		return nil, err
	}
	p := PIn(in)
	if fill != nil {
		fill(p)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	out, err := f(ctx, p)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: encode result: %w", pkg, op.Name, err)
	}
	return &providers.Result{Payload: b}, nil
}

// CallValid validates in and runs operation op with it through c (see
// [Call]).
func CallValid[Out any](ctx context.Context, c providers.Caller, pkg, op string, in Validator, key string) (*Out, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return Call[Out](ctx, c, pkg, op, in, key)
}
