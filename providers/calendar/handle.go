package calendar

import (
	"context"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names of the calendar integration type.
const (
	OpEventCreate = "calendar.event.create"
	OpEventUpdate = "calendar.event.update"
	OpEventCancel = "calendar.event.cancel"
	OpFreeBusy    = "calendar.freebusy"
)

// ops are the operations, in the order of [Operations], each run by its
// [Handler] method.
var ops = httpapi.NewOps("calendar",
	httpapi.Typed(OpEventCreate, Handler.EventCreate, func(op *providers.Operation, e *Event) { httpapi.KeyAsID(op, &e.ID) }),
	httpapi.Typed(OpEventUpdate, Handler.EventUpdate, nil),
	httpapi.Typed(OpEventCancel, Handler.EventCancel, nil),
	httpapi.Typed(OpFreeBusy, Handler.FreeBusyQuery, nil),
)

// Operations returns the operation names, for [providers.Info.Capabilities].
func Operations() []string { return ops.Names() }

// IsOperation reports whether name is one of the calendar operations.
func IsOperation(name string) bool { return ops.Has(name) }

// Handler is a calendar provider's implementation of the operations, bound
// to one call's settings. Its inputs are validated.
type Handler interface {
	EventCreate(ctx context.Context, e *Event) (*EventReceipt, error)
	EventUpdate(ctx context.Context, c *EventChange) (*EventReceipt, error)
	EventCancel(ctx context.Context, c *EventCancellation) (*CancelReceipt, error)
	FreeBusyQuery(ctx context.Context, r *FreeBusyRequest) (*FreeBusy, error)
}

// Handle runs op with h: it decodes and validates the payload, calls the
// method of the operation and encodes its result. An event without an ID
// takes the operation's IdempotencyKey. Operations of other packages are
// answered with [providers.UnknownOperation].
func Handle(ctx context.Context, op *providers.Operation, h Handler) (*providers.Result, error) {
	return ops.Handle(ctx, op, h)
}

// EventCreate validates e and creates it through c. e.ID, if set, is the
// idempotency key.
func EventCreate(ctx context.Context, c providers.Caller, e *Event) (*EventReceipt, error) {
	return httpapi.CallValid[EventReceipt](ctx, c, "calendar", OpEventCreate, e, e.ID)
}

// EventUpdate validates ch and applies it through c.
func EventUpdate(ctx context.Context, c providers.Caller, ch *EventChange) (*EventReceipt, error) {
	return httpapi.CallValid[EventReceipt](ctx, c, "calendar", OpEventUpdate, ch, "")
}

// EventCancel validates x and cancels the event through c.
func EventCancel(ctx context.Context, c providers.Caller, x *EventCancellation) (*CancelReceipt, error) {
	return httpapi.CallValid[CancelReceipt](ctx, c, "calendar", OpEventCancel, x, "")
}

// FreeBusyQuery validates r and reads the calendars' busy time through c.
func FreeBusyQuery(ctx context.Context, c providers.Caller, r *FreeBusyRequest) (*FreeBusy, error) {
	return httpapi.CallValid[FreeBusy](ctx, c, "calendar", OpFreeBusy, r, "")
}
