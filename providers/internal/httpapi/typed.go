package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

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

// Op is one operation of a typed package, run by the package's handler
// interface H (calendar.Handler): its name and how it runs (see [Typed]).
type Op[H any] struct {
	name string
	run  func(ctx context.Context, pkg string, op *providers.Operation, h H) (*providers.Result, error)
}

// Typed returns operation name, run by method m of H as [Run] runs f: the
// payload decoded into an In, completed by fill (nil for none) with the
// operation at hand, validated, m called and its result encoded. m is a
// method expression: calendar.Handler.EventCreate.
func Typed[H, In any, PIn interface {
	*In
	Validator
}, Out any](name string, m func(H, context.Context, PIn) (*Out, error), fill func(*providers.Operation, PIn)) Op[H] {
	return Op[H]{name: name, run: func(ctx context.Context, pkg string, op *providers.Operation, h H) (*providers.Result, error) {
		var f func(PIn)
		if fill != nil {
			f = func(in PIn) { fill(op, in) }
		}
		return Run(ctx, pkg, op, f, func(ctx context.Context, in PIn) (*Out, error) { return m(h, ctx, in) })
	}}
}

// KeyAsID sets *id to op's IdempotencyKey when it is empty: a [Typed]
// fill for payloads whose ID, when the caller chose none, is the key that
// identifies the operation across attempts and failover.
func KeyAsID(op *providers.Operation, id *string) {
	if *id == "" {
		*id = op.IdempotencyKey
	}
}

// Ops are the operations of a typed package, in the order given; pkg
// prefixes their messages.
type Ops[H any] struct {
	pkg string
	ops []Op[H]
}

// NewOps returns package pkg's operations ops.
func NewOps[H any](pkg string, ops ...Op[H]) *Ops[H] { return &Ops[H]{pkg: pkg, ops: ops} }

// Names returns the operation names in order, a new slice on each call (for
// [providers.Info.Capabilities]).
func (o *Ops[H]) Names() []string {
	names := make([]string, len(o.ops))
	for i, op := range o.ops {
		names[i] = op.name
	}
	return names
}

// Has reports whether name is one of the operations.
func (o *Ops[H]) Has(name string) bool {
	return slices.ContainsFunc(o.ops, func(op Op[H]) bool { return op.name == name })
}

// Handle runs op with h; a nil operation or one of another package is
// answered with [providers.UnknownOperation].
func (o *Ops[H]) Handle(ctx context.Context, op *providers.Operation, h H) (*providers.Result, error) {
	if op != nil {
		for _, x := range o.ops {
			if x.name == op.Name {
				return x.run(ctx, o.pkg, op, h)
			}
		}
	}
	return nil, providers.UnknownOperation(op)
}
