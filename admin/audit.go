package admin

import (
	"net/http"
	"time"

	"github.com/google/uuid"
)

// Audit actions besides the operation IDs of changes.
const (
	// AuditSecretShown is a secret revealed by an explicit "Show".
	AuditSecretShown = "secret.shown"
	// AuditSecretIssued is a secret shown once because it was just made
	// (a new webhook, a regenerated secret).
	AuditSecretIssued = "secret.issued"
)

// AuditEvent is one recorded admin action. It never holds a secret: it says
// which secret was shown, not what it is.
type AuditEvent struct {
	Time           time.Time
	OrganizationID uuid.UUID
	UserID         uuid.UUID
	// Action is an operation ID ("webhookCreate", "dlqClear", ...) or one of
	// the AuditSecret constants.
	Action string
	// Target names what was acted on ("webhook", "delivery", "dlq",
	// "oauth"), TargetID its ID when there is one.
	Target   string
	TargetID uuid.UUID
	// Detail says which secret was shown ("webhookSecret", "clientSecret"),
	// or how many items a bulk action touched.
	Detail string
	// RemoteAddr and UserAgent describe the client.
	RemoteAddr string
	UserAgent  string
}

// audit records an action. The error matters only for reveals, which are
// refused when they cannot be recorded.
func (h *Handler) audit(r *http.Request, action, target string, id uuid.UUID, detail string) error {
	p := principalOf(r.Context())
	e := &AuditEvent{Time: h.cfg.Clock().UTC(), Action: action, Target: target, TargetID: id, Detail: detail,
		RemoteAddr: r.RemoteAddr, UserAgent: r.UserAgent()}
	if p != nil {
		e.OrganizationID, e.UserID = p.OrganizationID, p.UserID
	}
	h.cfg.Logger.InfoContext(r.Context(), "admin audit", "action", e.Action, "target", e.Target,
		"target_id", e.TargetID, "detail", e.Detail, "organization_id", e.OrganizationID, "user_id", e.UserID,
		"remote_addr", e.RemoteAddr)
	if h.cfg.Audit == nil {
		return nil
	}
	if err := h.cfg.Audit(r.Context(), e); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "admin audit record failed", "action", action, "error", err)
		return err
	}
	return nil
}
