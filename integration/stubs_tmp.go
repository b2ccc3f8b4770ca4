package integration

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
)

func (m *Manager) invalidate(uuid.UUID)                                {}
func (m *Manager) recordCheck(context.Context, *target, *checkOutcome) {}

type callRecord struct {
	t        *target
	op       *providers.Operation
	res      *providers.Result
	err      error
	start    time.Time
	duration time.Duration
	attempts int
}

func (m *Manager) recordCall(context.Context, *callRecord) {}
