package meeting

import (
	"context"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names of the video integration type.
const (
	OpCreate = "meeting.create"
	OpUpdate = "meeting.update"
	OpDelete = "meeting.delete"
)

// ops are the operations, in the order of [Operations], each run by its
// [Handler] method.
var ops = httpapi.NewOps("meeting",
	httpapi.Typed(OpCreate, Handler.MeetingCreate, func(op *providers.Operation, m *Meeting) { httpapi.KeyAsID(op, &m.ID) }),
	httpapi.Typed(OpUpdate, Handler.MeetingUpdate, nil),
	httpapi.Typed(OpDelete, Handler.MeetingDelete, nil),
)

// Operations returns the operation names, for [providers.Info.Capabilities].
func Operations() []string { return ops.Names() }

// IsOperation reports whether name is one of the meeting operations.
func IsOperation(name string) bool { return ops.Has(name) }

// Handler is a video provider's implementation of the operations, bound to
// one call's settings. Its inputs are validated.
type Handler interface {
	MeetingCreate(ctx context.Context, m *Meeting) (*Receipt, error)
	MeetingUpdate(ctx context.Context, c *Change) (*Receipt, error)
	MeetingDelete(ctx context.Context, d *Deletion) (*DeleteReceipt, error)
}

// Handle runs op with h: it decodes and validates the payload, calls the
// method of the operation and encodes its result. A meeting without an ID
// takes the operation's IdempotencyKey. Operations of other packages are
// answered with [providers.UnknownOperation].
func Handle(ctx context.Context, op *providers.Operation, h Handler) (*providers.Result, error) {
	return ops.Handle(ctx, op, h)
}

// Create validates m and schedules it through c. m.ID, if set, is the
// idempotency key.
func Create(ctx context.Context, c providers.Caller, m *Meeting) (*Receipt, error) {
	return httpapi.CallValid[Receipt](ctx, c, "meeting", OpCreate, m, m.ID)
}

// Update validates ch and applies it through c.
func Update(ctx context.Context, c providers.Caller, ch *Change) (*Receipt, error) {
	return httpapi.CallValid[Receipt](ctx, c, "meeting", OpUpdate, ch, "")
}

// Delete validates d and deletes the meeting through c.
func Delete(ctx context.Context, c providers.Caller, d *Deletion) (*DeleteReceipt, error) {
	return httpapi.CallValid[DeleteReceipt](ctx, c, "meeting", OpDelete, d, "")
}
