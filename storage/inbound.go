package storage

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// InboundEndpoint is where one integration's provider posts its events (a
// row of inbound_endpoints): an unguessable token that names the
// integration in the URL, and the admin's choice of the events kept (the
// "Events" checkboxes of UC-ADMIN-007 §4). It goes with its integration.
type InboundEndpoint struct {
	IntegrationID  uuid.UUID
	OrganizationID uuid.UUID
	// Provider is the integration's provider when the endpoint was made
	// ("sendgrid"); the URL names it.
	Provider string
	// Token is the URL's secret part, plaintext here and sealed at rest;
	// TokenHash is its hash, which lookups search.
	Token     string
	TokenHash string
	// Categories are the checked event categories ("bounces", "opens",
	// ...); the inbound package defines them.
	Categories []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// InboundEndpointCreateParams are the fields of a new endpoint. The
// integration must be the organization's ([ErrNotFound] otherwise); an
// integration has at most one endpoint ([ErrConflict]), and a token hash
// belongs to one endpoint ([ErrConflict]).
type InboundEndpointCreateParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Provider       string
	Token          string
	TokenHash      string
	Categories     []string
}

// InboundEndpointUpdateParams change an endpoint; nil fields are left as
// they are. Token and TokenHash change together (a new URL).
type InboundEndpointUpdateParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Provider       *string
	Token          *string
	TokenHash      *string
	Categories     []string
}

// InboundEvent is a normalised event a provider posted, kept once per
// provider event ID and integration (a row of inbound_events): the
// durable de-duplication of every host, and the list of received events.
type InboundEvent struct {
	// ID is the store's ID of the event, which the host and outbound
	// webhooks see.
	ID             uuid.UUID
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Provider       string
	// EventID is the provider's ID of the event.
	EventID string
	// Type is the normalised type: "email.bounced".
	Type string
	// OccurredAt is when the provider says it happened, nil if it does
	// not say.
	OccurredAt *time.Time
	// Data is the normalised payload, as the provider made it.
	Data       json.RawMessage
	ReceivedAt time.Time
	// PublishedAt is when the event was handed to the host (callback,
	// outbound webhooks); nil until then.
	PublishedAt *time.Time
}

// InboundEventInput is one event to record.
type InboundEventInput struct {
	EventID    string
	Type       string
	OccurredAt *time.Time
	Data       json.RawMessage
}

// InboundRecordParams are the events of one request of an integration's
// provider.
type InboundRecordParams struct {
	OrganizationID uuid.UUID
	IntegrationID  uuid.UUID
	Provider       string
	Events         []*InboundEventInput
	// MetricPrefix, when set, counts every event inserted in the
	// integration's hourly metric bucket MetricPrefix+Type (at the
	// store's clock), in the same transaction: each event is counted
	// once, whichever host received it and however often.
	MetricPrefix string
}

// InboundRecordResult says what [InboundStore.InboundEventRecord] did.
type InboundRecordResult struct {
	// Inserted are the events not stored before, in the order given.
	Inserted []*InboundEvent
	// Unpublished are events of the request stored earlier but not yet
	// published (an earlier delivery failed after storing them).
	Unpublished []*InboundEvent
}

// InboundEventListParams filter received events, newest first.
type InboundEventListParams struct {
	OrganizationID uuid.UUID
	// IntegrationID, when set, keeps one integration's events.
	IntegrationID uuid.UUID
	// Types, when set, keeps events of these types.
	Types []string
	// Received filters on ReceivedAt.
	Received TimeRange
	Limit    int
	Cursor   string
}

// InboundStore persists inbound endpoints and events.
type InboundStore interface {
	InboundEndpointCreate(ctx context.Context, p *InboundEndpointCreateParams) (*InboundEndpoint, error)
	InboundEndpointGet(ctx context.Context, orgID, integrationID uuid.UUID) (*InboundEndpoint, error)
	// InboundEndpointGetByTokenHash finds an endpoint by its token's hash,
	// in any organization: it is how a provider's request finds its
	// integration, before anything else is known.
	InboundEndpointGetByTokenHash(ctx context.Context, hash string) (*InboundEndpoint, error)
	InboundEndpointUpdate(ctx context.Context, p *InboundEndpointUpdateParams) (*InboundEndpoint, error)
	// InboundEventRecord inserts the events whose (integration, event ID)
	// is new, in one transaction with their metric counts, and returns
	// them with the request's events stored before but not yet published.
	// Events repeated within p count once.
	InboundEventRecord(ctx context.Context, p *InboundRecordParams) (*InboundRecordResult, error)
	// InboundEventPublished marks events published (already published
	// ones keep their time).
	InboundEventPublished(ctx context.Context, orgID uuid.UUID, ids []uuid.UUID) error
	InboundEventGet(ctx context.Context, orgID, id uuid.UUID) (*InboundEvent, error)
	InboundEventList(ctx context.Context, p *InboundEventListParams) (*Page[*InboundEvent], error)
	// InboundEventDeleteBefore deletes events of every organization
	// received before before, at most limit of them, and returns how
	// many; retention runs it in batches. A provider's event delivered
	// again after its row went is stored again.
	InboundEventDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error)
}

// DLQCounter counts the dead letter queue.
type DLQCounter interface {
	// DLQCount returns how many entries an organization's queue holds
	// (one subscription's when webhookID is not uuid.Nil): "Current DLQ
	// items: 3" (§13).
	DLQCount(ctx context.Context, orgID, webhookID uuid.UUID) (int, error)
}

// Validate reports the first field a Store refuses.
func (p *InboundEndpointCreateParams) Validate() error {
	c := nonNil("InboundEndpointCreateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("Provider", p.Provider, TypeMaxLen)
	c.nonEmpty("Token", p.Token)
	c.text("Token", p.Token)
	c.nonEmpty("TokenHash", p.TokenHash)
	c.textMax("TokenHash", p.TokenHash, KeyMaxLen)
	texts(c, "Categories", p.Categories, TypeMaxLen)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *InboundEndpointUpdateParams) Validate() error {
	c := nonNil("InboundEndpointUpdateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textPtr("Provider", p.Provider, TypeMaxLen)
	switch {
	case (p.Token == nil) != (p.TokenHash == nil):
		c.fail("Token", "and TokenHash change together")
	case p.Token != nil:
		c.nonEmpty("Token", *p.Token)
		c.text("Token", *p.Token)
		c.nonEmpty("TokenHash", *p.TokenHash)
		c.textMax("TokenHash", *p.TokenHash, KeyMaxLen)
	}
	texts(c, "Categories", p.Categories, TypeMaxLen)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *InboundRecordParams) Validate() error {
	c := nonNil("InboundRecordParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("Provider", p.Provider, TypeMaxLen)
	c.textMax("MetricPrefix", p.MetricPrefix, MetricMaxLen/2)
	for _, e := range p.Events {
		if e == nil {
			c.fail("Events", "holds a nil event")
			break
		}
		c.nonEmpty("Events.EventID", e.EventID)
		c.textMax("Events.EventID", e.EventID, KeyMaxLen)
		c.nonEmpty("Events.Type", e.Type)
		c.textMax("Events.Type", e.Type, TypeMaxLen)
		c.document("Events.Data", e.Data, false)
	}
	return c.err
}

// Validate reports the first filter a Store refuses.
func (p *InboundEventListParams) Validate() error {
	c := nonNil("InboundEventListParams", p)
	if c.err != nil {
		return c.err
	}
	texts(c, "Types", p.Types, TypeMaxLen)
	return c.err
}

// nonEmpty requires a value.
func (c *checker) nonEmpty(field, s string) {
	if s == "" {
		c.fail(field, "is empty")
	}
}
