package admin

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
)

// EventType is one event of the catalog, with its sample payload as
// deliveries carry it.
type EventType struct {
	Name          string          `json:"name"`
	Description   string          `json:"description"`
	SamplePayload json.RawMessage `json:"samplePayload"`
}

// Session tells a program who it is and the CSRF token its changes carry
// (header X-CSRF-Token).
type Session struct {
	OrganizationID uuid.UUID `json:"organizationId"`
	UserID         uuid.UUID `json:"userId"`
	Name           string    `json:"name,omitempty"`
	CSRFToken      string    `json:"csrfToken"`
}

func (h *Handler) miscOps() []*operation {
	return []*operation{
		op(h, "GET", "/api/session", "sessionGet", "session", "Who is calling, and the CSRF token for changes.", 200, h.apiSession),
		op(h, "GET", "/api/events", "eventList", "webhooks", "The event catalog with sample payloads.", 200, h.apiEvents),
		op(h, "GET", "/api/openapi.json", "openapiGet", "session", "This API's OpenAPI 3.1 document.", 200, h.apiOpenAPI),
	}
}

func (h *Handler) apiSession(r *http.Request, _ *none) (*Session, error) {
	p := principalOf(r.Context())
	return &Session{OrganizationID: p.OrganizationID, UserID: p.UserID, Name: p.Name, CSRFToken: h.csrfToken(p)}, nil
}

// eventTypes lists the catalog with samples stamped now.
func (h *Handler) eventTypes() ([]*EventType, error) {
	cat := h.cfg.Webhooks.Catalog()
	out := []*EventType{}
	for _, t := range cat.Types() {
		p, err := cat.SamplePayload(t.Name, h.cfg.Clock())
		if err != nil {
			return nil, err
		}
		out = append(out, &EventType{Name: t.Name, Description: t.Description, SamplePayload: p})
	}
	return out, nil
}

func (h *Handler) apiEvents(*http.Request, *none) ([]*EventType, error) { return h.eventTypes() }

func (h *Handler) apiOpenAPI(*http.Request, *none) (map[string]any, error) { return h.openAPI(), nil }
