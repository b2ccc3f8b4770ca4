package integration

import (
	"context"
	"errors"
	"sync"

	"github.com/cenkalti/backoff/v4"
	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// callStateKey carries a call's state to the members' providers.
type callStateKey struct{}

// callState is what the members of a route record about one call: the
// member that ran the last attempt.
type callState struct {
	mu     sync.Mutex
	served *target
}

func (cs *callState) mark(t *target) {
	cs.mu.Lock()
	cs.served = t
	cs.mu.Unlock()
}

func (cs *callState) last() *target {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.served
}

// Dispatch implements [Dispatcher] with the call path (DESIGN decision 11):
//
//  1. resolve the organization's integration of the type (cached for
//     Config.CacheTTL), refusing a disabled one with a *[DisabledError]
//     (its backup does not take over: disabling stops the type's calls);
//  2. take a unit of its quota (rateLimitHour, and the daily limit);
//  3. run op under its retry policy (its own, else the organization's,
//     else retry.DefaultPolicy), each attempt going through the failover
//     group: the primary, then the backup after a transient failure, a 429
//     or an open breaker (ADMIN-INT-011), the switch recorded. A 429 with a
//     Retry-After is retried after that wait (ADMIN-INT-010), within the
//     policy's MaxRetries and MaxDelay, even when the policy does not retry
//     429s blindly;
//  4. record one log entry and the call's metrics, off the call's path.
//
// An integration in manual mode ([Manager.ManualModeSet]) is not called:
// the operation is queued and Dispatch returns a *[QueuedError].
//
// A failure after all that is a *[CallError], whose Message is the spec's.
func (m *Manager) Dispatch(ctx context.Context, orgID uuid.UUID, typ string, op *providers.Operation) (*providers.Result, error) {
	if op == nil || op.Name == "" {
		return nil, providers.InvalidInput(errors.New("integration: Dispatch needs an operation name"))
	}
	rt, err := m.res.get(ctx, orgID, typ)
	if err == nil && rt.manual != nil {
		return m.enqueue(ctx, rt, op)
	}
	return m.dispatchResolved(ctx, rt, err, op)
}

// dispatchNow dispatches op without queueing it, whatever the route's
// manual mode.
func (m *Manager) dispatchNow(ctx context.Context, orgID uuid.UUID, typ string, op *providers.Operation) (*providers.Result, error) {
	rt, err := m.res.get(ctx, orgID, typ)
	return m.dispatchResolved(ctx, rt, err, op)
}

// dispatchResolved calls a resolved route unless it cannot be called.
func (m *Manager) dispatchResolved(ctx context.Context, rt *route, err error, op *providers.Operation) (*providers.Result, error) {
	if rt, err = usable(rt, err); err != nil {
		return nil, err
	}
	return m.call(ctx, rt, op)
}

// call runs op on a resolved route.
func (m *Manager) call(ctx context.Context, rt *route, op *providers.Operation) (*providers.Result, error) {
	start := m.now()
	primary := rt.members[0]
	if rt.quota != nil {
		if err := rt.quota.take(ctx); err != nil {
			m.recordCall(ctx, &callRecord{t: primary, op: op, err: err, start: start, refused: true})
			return nil, err
		}
	}
	cs := &callState{}
	cctx := context.WithValue(ctx, callStateKey{}, cs)
	var res *providers.Result
	var last error
	attempts := 0
	err := retry.Do(cctx, rt.attempt, func(actx context.Context) error {
		attempts++
		r, err := rt.group.Call(actx, op)
		res, last = r, err
		return rt.attemptErr(err)
	}, &retry.DoOpts{Timer: m.retryTimer(), Rand: m.cfg.RetryRand})
	served := cs.last()
	if served == nil {
		served = primary
	}
	rec := &callRecord{t: served, primary: primary, op: op, res: res, start: start,
		duration: m.now().Sub(start), attempts: attempts}
	if err != nil {
		if rt.quota != nil {
			rt.quota.release(start)
		}
		if last == nil {
			last = err
		}
		rec.err = last
		err = &CallError{IntegrationID: primary.id, Type: rt.typ, Operation: op.Name, Provider: served.display,
			Attempts: attempts, Err: last}
		res = nil
	}
	m.recordCall(ctx, rec)
	return res, err
}

// attemptErr decides what retry.Do makes of an attempt's error. The
// attempt policy retries 429s so that a Retry-After is honoured; a 429
// without one is retried only if the integration's policy says so, and one
// whose wait is longer than the policy's MaxDelay is not retried.
func (rt *route) attemptErr(err error) error {
	if err == nil {
		return nil
	}
	e := providers.AsError(err)
	if e.Kind != providers.KindRateLimited {
		return err
	}
	switch {
	case e.RetryAfter > rt.policy.MaxDelay:
		return retry.Permanent(err)
	case e.RetryAfter > 0:
		return err
	case !rt.policy.RetryOn.Has(retry.ClassRateLimited):
		return retry.Permanent(err)
	}
	return err
}

// retryTimer returns the timer of one call's retries; nil means real.
func (m *Manager) retryTimer() backoff.Timer {
	if m.cfg.RetryTimer == nil {
		return nil
	}
	return m.cfg.RetryTimer()
}

// switched records a failover switch of a route's group and tells the
// hooks.
func (m *Manager) switched(rt *route, sw providers.Switch) {
	if rt.restoring {
		return
	}
	var from, to *target
	for _, t := range rt.members {
		switch t.instance {
		case sw.From:
			from = t
		case sw.To:
			to = t
		}
	}
	if from == nil || to == nil {
		return
	}
	ev := &FailoverSwitch{OrganizationID: rt.orgID, Type: rt.typ, FromID: from.id, ToID: to.id, From: sw.From,
		To: sw.To, Manual: sw.Manual, Reason: sw.Reason, Time: sw.Time.UTC()}
	ctx := context.Background()
	m.recordSwitch(ctx, rt.members[0], ev)
	m.hooks.switched(ctx, ev)
}
