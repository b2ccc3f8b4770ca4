package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// ManualReplayLease is how long a replay holds a queued operation it
// claimed: another host may replay it only after that (a host that died
// mid-call), so it is longer than any call's retries.
const ManualReplayLease = 10 * time.Minute

// ErrQueued matches a *[QueuedError].
var ErrQueued = errors.New("integration: operation queued in manual mode")

// QueuedError is what [Manager.Dispatch] returns for a call to an
// integration in manual mode (§9, job boards and others without a
// backup): the operation was not sent but queued durably, and it runs, in
// order, when the integration is re-enabled ([Manager.ManualModeSet]).
// The caller must not send it again: it is accepted, not failed.
type QueuedError struct {
	IntegrationID uuid.UUID
	Name          string
	Operation     string
	// Seq is the operation's place in the queue.
	Seq int64
}

func (e *QueuedError) Error() string {
	return fmt.Sprintf("integration: %q is in manual mode: %s was queued (#%d) and runs when the integration is re-enabled; do not send it again",
		e.Name, e.Operation, e.Seq)
}

// Is matches [ErrQueued].
func (e *QueuedError) Is(target error) bool { return target == ErrQueued }

// RetryClass implements [retry.ClassedError]: a queued call is not retried.
func (e *QueuedError) RetryClass() retry.Class { return retry.ClassPermanent }

// ReplayError is returned by [Manager.ManualModeSet] when re-enabling
// stopped at an operation that failed: the ones before it were replayed,
// it and the rest stay queued, and the integration stays in manual mode.
type ReplayError struct {
	IntegrationID uuid.UUID
	Replayed      int
	Pending       int
	Err           error
}

func (e *ReplayError) Error() string {
	return fmt.Sprintf("integration: replay stopped after %d operation(s), %d still queued: %v; fix the cause and re-enable again",
		e.Replayed, e.Pending, e.Err)
}

// Unwrap returns the failed operation's error.
func (e *ReplayError) Unwrap() error { return e.Err }

// ErrReplayBusy is returned by [Manager.ManualModeSet] when another host
// (or call) is replaying the integration's queue: it finishes the replay.
var ErrReplayBusy = errors.New("integration: another host is replaying this integration's queue; wait for it to finish")

// ManualModeSet turns an integration's manual mode on or off (§9). On,
// every call to it is queued durably instead of sent (Dispatch returns a
// *[QueuedError]) while it is down; [Manager.ManualQueueCount] shows how
// many wait. Off re-enables it: its connection test runs first (a
// *[CheckFailedError] leaves it in manual mode), then the queue is replayed
// in order, each operation marked replayed once, safe against several
// hosts; the first failure stops the replay (a *[ReplayError], the rest
// stay queued). Manual mode ends once the queue is empty. A queued
// operation is replayed with its queue ID as IdempotencyKey when it had
// none, so a replay repeated after a crash can be recognised.
func (m *Manager) ManualModeSet(ctx context.Context, orgID, id uuid.UUID, on bool) (*Integration, error) {
	if !on {
		if err := m.reenable(ctx, orgID, id); err != nil {
			return nil, err
		}
	} else if _, err := m.store.ManualModeSet(ctx, orgID, id, true); err != nil {
		return nil, err
	}
	m.invalidate(orgID)
	msg := "Manual mode on: operations are queued"
	if !on {
		msg = "Manual mode off: queued operations replayed"
	}
	_ = m.rec.Log(ctx, &LogEntry{OrganizationID: orgID, IntegrationID: id, Level: storage.LogWarn, Message: msg,
		Details: map[string]any{"manual_mode": on}, Time: m.now()})
	return m.IntegrationGet(ctx, orgID, id)
}

// ManualQueueCount returns how many operations wait in an integration's
// queue.
func (m *Manager) ManualQueueCount(ctx context.Context, orgID, id uuid.UUID) (int, error) {
	return m.store.ManualPending(ctx, orgID, id)
}

// enqueue queues op for the route's primary, or dispatches it when manual
// mode ended meanwhile (on another host).
func (m *Manager) enqueue(ctx context.Context, rt *route, op *providers.Operation) (*providers.Result, error) {
	b, err := json.Marshal(op)
	if err != nil {
		return nil, providers.InvalidInput(err)
	}
	q, err := m.store.ManualEnqueue(ctx, &storage.ManualEnqueueParams{OrganizationID: rt.orgID,
		IntegrationID: rt.manual.IntegrationID, Operation: b})
	if errors.Is(err, storage.ErrConflict) {
		m.invalidate(rt.orgID)
		return m.dispatchNow(ctx, rt.orgID, rt.typ, op)
	}
	if err != nil {
		return nil, err
	}
	return nil, &QueuedError{IntegrationID: rt.manual.IntegrationID, Name: rt.manual.Name, Operation: op.Name, Seq: q.Seq}
}

// reenable tests the integration, replays its queue and ends manual mode.
func (m *Manager) reenable(ctx context.Context, orgID, id uuid.UUID) error {
	tr, err := m.Test(ctx, &TestParams{OrganizationID: orgID, ID: id})
	if err != nil {
		return err
	}
	if !tr.OK {
		return &CheckFailedError{Check: tr.Check, Message: tr.Message}
	}
	replayed := 0
	for {
		q, err := m.store.ManualClaim(ctx, &storage.ManualClaimParams{OrganizationID: orgID, IntegrationID: id,
			Now: m.now(), Lease: ManualReplayLease})
		switch {
		case errors.Is(err, storage.ErrNotFound):
			_, err = m.store.ManualModeSet(ctx, orgID, id, false)
			if !errors.Is(err, storage.ErrConflict) { // else: queued meanwhile, replay it
				return err
			}
			continue
		case errors.Is(err, storage.ErrConflict):
			return ErrReplayBusy
		case err != nil:
			return err
		}
		if err := m.replay(ctx, q); err != nil {
			pending, _ := m.store.ManualPending(ctx, orgID, id)
			return &ReplayError{IntegrationID: id, Replayed: replayed, Pending: pending, Err: err}
		}
		replayed++
	}
}

// replay runs one claimed operation through the call path and marks it
// replayed; a failure gives it back.
func (m *Manager) replay(ctx context.Context, q *storage.ManualOperation) error {
	var op providers.Operation
	if err := json.Unmarshal(q.Operation, &op); err != nil {
		return err
	}
	if op.IdempotencyKey == "" {
		op.IdempotencyKey = q.ID.String()
	}
	h, err := m.store.IntegrationHealthGet(ctx, q.OrganizationID, q.IntegrationID)
	if err == nil {
		var rt *route
		if rt, err = m.res.get(ctx, q.OrganizationID, h.Type); err == nil {
			err = routeErr(rt)
			if err == nil {
				_, err = m.call(ctx, rt, &op)
			}
		}
	}
	if err != nil {
		_ = m.store.ManualRelease(context.WithoutCancel(ctx), q.OrganizationID, q.ID, q.ClaimID)
		return err
	}
	return m.store.ManualMarkReplayed(ctx, q.OrganizationID, q.ID, q.ClaimID, m.now())
}

// routeErr is why a route cannot be called, or nil.
func routeErr(rt *route) error {
	switch {
	case rt.err != nil:
		return rt.err
	case rt.disabled != nil:
		return rt.disabled
	}
	return nil
}

// manualRoute names the primary of a route in manual mode.
type manualRoute struct {
	IntegrationID uuid.UUID
	Name          string
}
