package integration

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// StatusChange reports that an integration's status changed.
type StatusChange struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Type           string
	Name           string
	From, To       storage.IntegrationStatus
	// Message is the error message that came with the change, "" for a
	// recovery.
	Message string
	// Cause is what changed it: "health_check", "test" or "admin".
	Cause string
	Time  time.Time
}

// The causes of a [StatusChange].
const (
	CauseHealthCheck = "health_check"
	CauseTest        = "test"
	CauseAdmin       = "admin"
)

// FailoverSwitch reports that an organization's calls of one type moved
// from one integration to another: automatically after failures (ADMIN-INT-011),
// back when the primary recovered, or by hand ([Manager.SwitchToBackup],
// [Manager.SwitchToPrimary]; Manual is then set).
type FailoverSwitch struct {
	OrganizationID uuid.UUID
	Type           string
	FromID, ToID   uuid.UUID
	// From and To are the providers' display names ("SendGrid", "AWS
	// SES").
	From, To string
	Manual   bool
	// Reason says why: the errors that moved the call, "recovered", or the
	// operator's action.
	Reason string
	Time   time.Time
}

// Hooks are functions called when something an alert may want to know
// happens. They run synchronously on the goroutine that made the change
// (a health check, a call, an admin action), so they must be quick; a nil
// function is skipped.
type Hooks struct {
	StatusChange func(ctx context.Context, c *StatusChange)
	Switch       func(ctx context.Context, s *FailoverSwitch)
}

// hookSet is the Manager's subscribers.
type hookSet struct {
	mu   sync.RWMutex
	next int
	subs map[int]*Hooks
}

// Subscribe adds hooks and returns the function that removes them.
func (m *Manager) Subscribe(h *Hooks) (unsubscribe func()) {
	s := m.hooks
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs == nil {
		s.subs = map[int]*Hooks{}
	}
	id := s.next
	s.next++
	hc := *h
	s.subs[id] = &hc
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

func (s *hookSet) each(fn func(*Hooks)) {
	s.mu.RLock()
	subs := make([]*Hooks, 0, len(s.subs))
	for _, h := range s.subs {
		subs = append(subs, h)
	}
	s.mu.RUnlock()
	for _, h := range subs {
		fn(h)
	}
}

func (s *hookSet) statusChange(ctx context.Context, c *StatusChange) {
	s.each(func(h *Hooks) {
		if h.StatusChange != nil {
			h.StatusChange(ctx, c)
		}
	})
}

func (s *hookSet) switched(ctx context.Context, sw *FailoverSwitch) {
	s.each(func(h *Hooks) {
		if h.Switch != nil {
			h.Switch(ctx, sw)
		}
	})
}
