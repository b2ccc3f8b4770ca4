package integration

import (
	"context"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
)

// Dispatcher sends an operation to "the organization's integration of type
// T" without knowing which provider serves it: one of the SDK's three
// seams, with providers.Provider and storage.Store. [*Manager] implements
// it with the whole call path; a host's tests can substitute their own.
type Dispatcher interface {
	// Dispatch runs op (such as "email.send") on the organization's
	// integration of type typ and returns the provider's result.
	Dispatch(ctx context.Context, orgID uuid.UUID, typ string, op *providers.Operation) (*providers.Result, error)
}

// Caller adapts a Dispatcher to [providers.Caller] for one organization and
// type, so the typed helpers of the provider packages (email.Send, ...)
// run through it.
func Caller(d Dispatcher, orgID uuid.UUID, typ string) providers.Caller {
	return &typeCaller{d: d, orgID: orgID, typ: typ}
}

type typeCaller struct {
	d     Dispatcher
	orgID uuid.UUID
	typ   string
}

func (c *typeCaller) Call(ctx context.Context, op *providers.Operation) (*providers.Result, error) {
	return c.d.Dispatch(ctx, c.orgID, c.typ, op)
}

// EmailSender sends an organization's email through a Dispatcher.
type EmailSender struct {
	c providers.Caller
}

// EmailFor returns the email sender of an organization on d.
func EmailFor(d Dispatcher, orgID uuid.UUID) *EmailSender {
	return &EmailSender{c: Caller(d, orgID, TypeEmail)}
}

// Email returns the organization's email sender:
//
//	receipt, err := mgr.Email(orgID).Send(ctx, &email.Message{To: []string{"candidate@example.com"}, ...})
func (m *Manager) Email(orgID uuid.UUID) *EmailSender { return EmailFor(m, orgID) }

// Send validates msg and sends it through the organization's email
// integration.
func (s *EmailSender) Send(ctx context.Context, msg *email.Message) (*email.Receipt, error) {
	return email.Send(ctx, s.c, msg)
}
