package checkr

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
)

// SignatureHeader carries Checkr's webhook signature: the hex HMAC-SHA256
// of the raw body keyed with the API key.
const SignatureHeader = "X-Checkr-Signature"

// The normalised event types, and the Checkr events they come from.
const (
	EventCandidateCreated    = "background_check.candidate_created"    // candidate.created
	EventInvitationCreated   = "background_check.invitation_created"   // invitation.created
	EventInvitationCompleted = "background_check.invitation_completed" // invitation.completed
	EventInvitationExpired   = "background_check.invitation_expired"   // invitation.expired
	EventStarted             = "background_check.started"              // report.created
	EventCompleted           = "background_check.completed"            // report.completed
	EventSuspended           = "background_check.suspended"            // report.suspended
	EventResumed             = "background_check.resumed"              // report.resumed
	EventDisputed            = "background_check.disputed"             // report.disputed
	EventCanceled            = "background_check.canceled"             // report.canceled
)

// eventTypes maps Checkr's event types to the normalised ones.
var eventTypes = map[string]string{
	"candidate.created":    EventCandidateCreated,
	"invitation.created":   EventInvitationCreated,
	"invitation.completed": EventInvitationCompleted,
	"invitation.expired":   EventInvitationExpired,
	"report.created":       EventStarted,
	"report.completed":     EventCompleted,
	"report.suspended":     EventSuspended,
	"report.resumed":       EventResumed,
	"report.disputed":      EventDisputed,
	"report.canceled":      EventCanceled,
}

// EventData is the Data of a normalised Checkr event.
type EventData struct {
	// CheckrType is Checkr's event type, e.g. "report.completed".
	CheckrType   string `json:"checkrType"`
	ReportID     string `json:"reportId,omitempty"`
	CandidateID  string `json:"candidateId,omitempty"`
	InvitationID string `json:"invitationId,omitempty"`
	// Status is the report's or invitation's status.
	Status string `json:"status,omitempty"`
	// Result is a complete report's result: [ResultClear] or
	// [ResultConsider].
	Result  string `json:"result,omitempty"`
	Package string `json:"package,omitempty"`
}

// ErrSignature is returned by [Verify] for a missing or wrong signature.
var ErrSignature = errors.New("checkr: webhook signature missing or invalid")

// Sign returns the signature Checkr sends for body: the hex HMAC-SHA256
// keyed with apiKey.
func Sign(body []byte, apiKey string) string {
	m := hmac.New(sha256.New, []byte(apiKey))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks signature (the [SignatureHeader] value) against body in
// constant time. It returns [ErrSignature] if they do not match or apiKey
// is empty.
func Verify(body []byte, signature, apiKey string) error {
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || apiKey == "" {
		return ErrSignature
	}
	m := hmac.New(sha256.New, []byte(apiKey))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrSignature
	}
	return nil
}

// webhookEvent is Checkr's event envelope.
type webhookEvent struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Data      struct {
		Object struct {
			ID          string  `json:"id"`
			Object      string  `json:"object"`
			Status      string  `json:"status"`
			Result      *string `json:"result"`
			Package     string  `json:"package"`
			CandidateID string  `json:"candidate_id"`
			ReportID    string  `json:"report_id"`
		} `json:"object"`
	} `json:"data"`
}

// HandleWebhook implements [providers.Provider]: it verifies the
// [SignatureHeader] with the API key ([providers.KindAuth] if it is
// missing or wrong) and returns the event normalised, or no event for a
// Checkr event type this package does not map.
func (p *Provider) HandleWebhook(_ context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	if req == nil || Verify(req.Body, req.Header.Get(SignatureHeader), st.apiKey) != nil {
		return nil, providers.AuthFailed(ErrSignature)
	}
	var ev webhookEvent
	if err := json.Unmarshal(req.Body, &ev); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("checkr: decode webhook: %w", err))
	}
	typ, ok := eventTypes[ev.Type]
	if !ok {
		return []providers.Event{}, nil
	}
	data, err := json.Marshal(normalise(&ev))
	if err != nil {
		return nil, fmt.Errorf("checkr: encode event: %w", err)
	}
	return []providers.Event{{ID: ev.ID, Type: typ, Time: ev.CreatedAt.UTC(), Data: data}}, nil
}

// normalise extracts the IDs, status and result of the event's object.
func normalise(ev *webhookEvent) *EventData {
	o := &ev.Data.Object
	d := &EventData{CheckrType: ev.Type, Status: o.Status, Package: o.Package, CandidateID: o.CandidateID, ReportID: o.ReportID}
	if o.Result != nil {
		d.Result = *o.Result
	}
	switch strings.SplitN(ev.Type, ".", 2)[0] {
	case "report":
		d.ReportID = o.ID
	case "invitation":
		d.InvitationID = o.ID
	case "candidate":
		d.CandidateID = o.ID
	}
	return d
}
