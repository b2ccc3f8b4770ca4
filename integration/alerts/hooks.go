package alerts

import (
	"context"
	"time"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// The de-duplication keys of the engine's rules are a prefix and the
// integration's ID (the failover rule's, the type).
const (
	KeyIntegrationError = "integration.error:"
	KeyFailover         = "integration.failover:"
	KeySlow             = "integration.slow:"
	KeyQuota            = "integration.quota:"
	KeyCredentials      = "integration.credentials:"
	KeyOAuthReconnect   = "oauth.reconnect:"
)

// hookTimeout bounds the store writes a hook makes.
const hookTimeout = 10 * time.Second

func (e *Engine) hooks() *integration.Hooks {
	return &integration.Hooks{StatusChange: e.onStatusChange, Switch: e.onSwitch}
}

// onStatusChange raises the critical alert of an integration entering
// the error state, with the spec's message (§16) and its impact, and
// resolves it when the integration leaves that state.
func (e *Engine) onStatusChange(ctx context.Context, c *integration.StatusChange) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hookTimeout)
	defer cancel()
	key := KeyIntegrationError + c.IntegrationID.String()
	var err error
	if c.To == storage.IntegrationError {
		_, err = e.AlertRaise(ctx, &storage.AlertRaiseParams{OrganizationID: c.OrganizationID,
			IntegrationID: c.IntegrationID, DedupKey: key, Severity: storage.AlertCritical,
			Title: c.Name + ": " + c.Message, Message: c.Message, Impact: ImpactOf(c.Type)})
	} else {
		_, err = e.Resolve(ctx, c.OrganizationID, key)
	}
	if err != nil {
		e.cfg.Logger.Error("alerts: integration status alert", "integration", c.IntegrationID, "err", err)
	}
}

// onSwitch raises the alert of calls moving to another integration
// (ADMIN-INT-011) and resolves it when they move back to the route's
// primary.
func (e *Engine) onSwitch(ctx context.Context, s *integration.FailoverSwitch) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hookTimeout)
	defer cancel()
	key := KeyFailover + s.Type
	var err error
	if e.backToPrimary(ctx, s) {
		_, err = e.Resolve(ctx, s.OrganizationID, key)
	} else {
		_, err = e.AlertRaise(ctx, failoverAlert(s, key))
	}
	if err != nil {
		e.cfg.Logger.Error("alerts: failover alert", "organization", s.OrganizationID, "type", s.Type, "err", err)
	}
}

// backToPrimary reports whether a switch went to the route's primary.
func (e *Engine) backToPrimary(ctx context.Context, s *integration.FailoverSwitch) bool {
	rt, err := e.cfg.Manager.Route(ctx, s.OrganizationID, s.Type)
	return err == nil && rt.Primary != nil && rt.Primary.ID == s.ToID
}

func failoverAlert(s *integration.FailoverSwitch, key string) *storage.AlertRaiseParams {
	typeName := s.Type
	if entry, ok := integration.DefaultCatalog().Entry(s.Type); ok {
		typeName = entry.Name
	}
	msg := "Switched to backup " + s.To + " after " + s.From + " failed: " + s.Reason
	if s.Manual {
		msg = "Switched to " + s.To + " by hand: " + s.Reason
	}
	return &storage.AlertRaiseParams{OrganizationID: s.OrganizationID, IntegrationID: s.FromID, DedupKey: key,
		Severity: storage.AlertWarning, Title: typeName + ": Switched to backup (" + s.To + ")", Message: msg,
		Impact: "Using backup " + s.To + ": " + ImpactOf(s.Type) + " if it fails too"}
}
