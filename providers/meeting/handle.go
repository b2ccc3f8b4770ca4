package meeting

import (
	"context"
	"slices"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names of the video integration type.
const (
	OpCreate = "meeting.create"
	OpUpdate = "meeting.update"
	OpDelete = "meeting.delete"
)

var operations = []string{OpCreate, OpUpdate, OpDelete}

// Operations returns the operation names, for [providers.Info.Capabilities].
func Operations() []string { return slices.Clone(operations) }

// IsOperation reports whether name is one of the meeting operations.
func IsOperation(name string) bool { return slices.Contains(operations, name) }

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
	if op == nil {
		return nil, providers.UnknownOperation(op)
	}
	switch op.Name {
	case OpCreate:
		fill := func(m *Meeting) {
			if m.ID == "" {
				m.ID = op.IdempotencyKey
			}
		}
		return httpapi.Run(ctx, "meeting", op, fill, h.MeetingCreate)
	case OpUpdate:
		return httpapi.Run(ctx, "meeting", op, nil, h.MeetingUpdate)
	case OpDelete:
		return httpapi.Run(ctx, "meeting", op, nil, h.MeetingDelete)
	}
	return nil, providers.UnknownOperation(op)
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
