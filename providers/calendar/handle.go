package calendar

import (
	"context"
	"slices"

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

var operations = []string{OpEventCreate, OpEventUpdate, OpEventCancel, OpFreeBusy}

// Operations returns the operation names, for [providers.Info.Capabilities].
func Operations() []string { return slices.Clone(operations) }

// IsOperation reports whether name is one of the calendar operations.
func IsOperation(name string) bool { return slices.Contains(operations, name) }

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
	if op == nil {
		return nil, providers.UnknownOperation(op)
	}
	switch op.Name {
	case OpEventCreate:
		fill := func(e *Event) {
			if e.ID == "" {
				e.ID = op.IdempotencyKey
			}
		}
		return httpapi.Run(ctx, "calendar", op, fill, h.EventCreate)
	case OpEventUpdate:
		return httpapi.Run(ctx, "calendar", op, nil, h.EventUpdate)
	case OpEventCancel:
		return httpapi.Run(ctx, "calendar", op, nil, h.EventCancel)
	case OpFreeBusy:
		return httpapi.Run(ctx, "calendar", op, nil, h.FreeBusyQuery)
	}
	return nil, providers.UnknownOperation(op)
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
