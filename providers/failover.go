package providers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/intimeos/integrations/retry"
)

// AttemptTimeoutDefault bounds one member's attempt in a [Group] (the
// spec's "Connection timeout after 30 seconds").
const AttemptTimeoutDefault = 30 * time.Second

// GroupConfig configures a [Group].
type GroupConfig struct {
	// Name identifies the group in logs and messages, e.g. "Email".
	Name string
	// Members are the provider instances in order of preference: primary
	// first, then backups. At least one is required.
	Members []*Instance
	// AttemptTimeout bounds each member's attempt, so that a hanging
	// primary leaves time for the backup. Zero means
	// AttemptTimeoutDefault (30s).
	AttemptTimeout time.Duration
	// Quota, if set, limits the group's calls under QuotaKey.
	Quota    *Quota
	QuotaKey QuotaKey
	// OnSwitch, if set, is called for every change of the serving member,
	// automatic or manual, for logs and alerts.
	OnSwitch func(Switch)
	// Logger receives switches at warn level. Nil discards.
	Logger *slog.Logger
	// Clock returns the current time. Nil means time.Now.
	Clock func() time.Time
}

// Switch reports that a group's calls moved from one member to another.
type Switch struct {
	Group string
	From  string
	To    string
	// Manual is true for [Group.SwitchTo] and [Group.SwitchAuto].
	Manual bool
	// Reason says why: the errors of the members skipped, "recovered" when
	// the preferred member is back, or the operator's action.
	Reason string
	Time   time.Time
}

// String describes the switch: "Email: SendGrid → AWS SES (...)".
func (s Switch) String() string {
	return fmt.Sprintf("%s: %s → %s (%s)", s.Group, s.From, s.To, s.Reason)
}

// Group is a failover group: an ordered list of provider instances for one
// integration type of one organization (SendGrid, then AWS SES). A call
// goes to the first member whose breaker admits it; a retryable failure, a
// 429 or an open breaker moves it to the next; any other error (auth,
// invalid input, permanent) is returned at once. A call is sent to the
// next member only after the previous one returned an error, so a message
// is not sent twice by the group; a timed-out attempt's fate is unknown,
// which is why the operation's IdempotencyKey goes to every member.
type Group struct {
	cfg GroupConfig

	mu     sync.Mutex
	active int // index of the member that served last
	pinned int // manual choice, -1 for automatic
}

var _ Caller = (*Group)(nil)

// NewGroup returns a group configured by cfg.
func NewGroup(cfg *GroupConfig) (*Group, error) {
	if cfg == nil || len(cfg.Members) == 0 {
		return nil, errors.New("providers: GroupConfig.Members must not be empty")
	}
	c := *cfg
	if c.AttemptTimeout == 0 {
		c.AttemptTimeout = AttemptTimeoutDefault
	}
	if c.AttemptTimeout < 0 {
		return nil, errors.New("providers: GroupConfig.AttemptTimeout must not be negative")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	return &Group{cfg: c, pinned: -1}, nil
}

// Active returns the name of the member that served the last call (the
// primary before any call), or the manually chosen one.
func (g *Group) Active() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cfg.Members[g.active].name
}

// SwitchTo makes the named member preferred until [Group.SwitchAuto]: the
// spec's "Switch to Backup". The others remain fallbacks in their order.
func (g *Group) SwitchTo(name string) error {
	for i, m := range g.cfg.Members {
		if m.name == name {
			g.mu.Lock()
			g.pinned = i
			sw := g.moveLocked(i, true, "switched manually")
			g.mu.Unlock()
			g.report(sw)
			return nil
		}
	}
	return fmt.Errorf("%w: %q in group %s", ErrNotFound, name, g.cfg.Name)
}

// SwitchAuto returns to automatic order: primary first.
func (g *Group) SwitchAuto() {
	g.mu.Lock()
	g.pinned = -1
	sw := g.moveLocked(0, true, "automatic order restored")
	g.mu.Unlock()
	g.report(sw)
}

// order returns the member indexes in the order to try them.
func (g *Group) order() []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]int, 0, len(g.cfg.Members))
	if g.pinned >= 0 {
		out = append(out, g.pinned)
	}
	for i := range g.cfg.Members {
		if i != g.pinned {
			out = append(out, i)
		}
	}
	return out
}

// moveLocked makes member i the active one and returns the switch to
// report, if it is a change.
func (g *Group) moveLocked(i int, manual bool, reason string) *Switch {
	if i == g.active {
		return nil
	}
	sw := &Switch{Group: g.cfg.Name, From: g.cfg.Members[g.active].name, To: g.cfg.Members[i].name,
		Manual: manual, Reason: reason, Time: g.cfg.Clock()}
	g.active = i
	return sw
}

func (g *Group) report(sw *Switch) {
	if sw == nil {
		return
	}
	g.cfg.Logger.Warn("providers: failover switch", "group", sw.Group, "from", sw.From, "to", sw.To,
		"manual", sw.Manual, "reason", sw.Reason)
	if g.cfg.OnSwitch != nil {
		g.cfg.OnSwitch(*sw)
	}
}

// Call runs op on the first member that succeeds (see [Group]).
func (g *Group) Call(ctx context.Context, op *Operation) (*Result, error) {
	taken := g.cfg.Clock()
	if q := g.cfg.Quota; q != nil {
		if err := q.Take(ctx, g.cfg.QuotaKey); err != nil {
			return nil, err
		}
	}
	res, err := g.call(ctx, op)
	if err != nil && g.cfg.Quota != nil {
		g.cfg.Quota.Release(ctx, g.cfg.QuotaKey, taken)
	}
	return res, err
}

func (g *Group) call(ctx context.Context, op *Operation) (*Result, error) {
	var skipped []string
	var errs []*Error
	for _, i := range g.order() {
		m := g.cfg.Members[i]
		actx, cancel := context.WithTimeout(ctx, g.cfg.AttemptTimeout)
		res, err := m.Call(actx, op)
		cancel()
		if err == nil {
			g.served(i, skipped)
			return res, nil
		}
		e := AsError(err)
		if ctx.Err() != nil {
			return nil, contextDone(ctx)
		}
		if !failsOver(e) {
			return nil, e
		}
		errs = append(errs, e)
		skipped = append(skipped, m.name+": "+UserMessage(e, m.name))
	}
	return nil, g.allFailed(errs)
}

// failsOver reports whether err should move the call to the next member.
func failsOver(e *Error) bool {
	return errors.Is(e, ErrBreakerOpen) || e.Kind == KindRateLimited || e.Kind == KindRetryable ||
		(e.Kind == KindUnknown && retry.IsRetryable(e))
}

// served records that member i served a call and reports the switch.
func (g *Group) served(i int, skipped []string) {
	g.mu.Lock()
	reason := strings.Join(skipped, "; ")
	preferred := 0
	if g.pinned >= 0 {
		preferred = g.pinned
	}
	if reason == "" && i == preferred {
		reason = "recovered"
	}
	sw := g.moveLocked(i, false, reason)
	g.mu.Unlock()
	g.report(sw)
}

// allFailed returns the error for a call no member served: rate limited
// with the shortest wait if every member was, unavailable otherwise.
func (g *Group) allFailed(errs []*Error) error {
	limited := true
	var wait time.Duration
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
		if e.Kind != KindRateLimited {
			limited = false
		} else if wait == 0 || (e.RetryAfter > 0 && e.RetryAfter < wait) {
			wait = e.RetryAfter
		}
	}
	last := errs[len(errs)-1]
	out := &Error{Kind: KindRetryable, Class: last.RetryClass(), Provider: g.cfg.Name,
		Message: "every provider failed: " + strings.Join(msgs, "; "), Err: last}
	if limited {
		out.Kind, out.Class, out.RetryAfter = KindRateLimited, retry.ClassRateLimited, wait
	}
	return out
}
