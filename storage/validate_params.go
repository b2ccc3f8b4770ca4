package storage

import (
	"strconv"

	"github.com/google/uuid"
)

// The Validate methods below are what every backend calls first: the rules
// live here, once, so that SQLite and PostgreSQL refuse the same input with
// the same [*InvalidError]. They may be called on a nil pointer (which is
// invalid).

var (
	integrationStatuses = []IntegrationStatus{IntegrationActive, IntegrationInactive, IntegrationError, IntegrationDisabled}
	webhookStatuses     = []WebhookStatus{WebhookActive, WebhookDisabled}
	deliveryStatuses    = []DeliveryStatus{DeliveryPending, DeliverySuccess, DeliveryFailed, DeliveryDLQ}
	logLevels           = []LogLevel{LogDebug, LogInfo, LogWarn, LogError}
	alertSeverities     = []AlertSeverity{AlertInfo, AlertWarning, AlertCritical}
)

// unbounded is the length limit of TEXT columns: none beyond the text rule.
const unbounded = int(^uint(0) >> 1)

// Validate reports the first field a Store refuses.
func (p *IntegrationCreateParams) Validate() error {
	c := nonNil("IntegrationCreateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("Type", p.Type, TypeMaxLen)
	c.textMax("Provider", p.Provider, TypeMaxLen)
	c.textMax("Name", p.Name, NameMaxLen)
	c.document("Config", p.Config, true)
	enum(c, "Status", p.Status, true, integrationStatuses...)
	c.jsonb("RetryPolicy", p.RetryPolicy)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *IntegrationUpdateParams) Validate() error {
	c := nonNil("IntegrationUpdateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textPtr("Name", p.Name, NameMaxLen)
	c.textPtr("Provider", p.Provider, TypeMaxLen)
	if p.Config != nil {
		c.document("Config", p.Config, false)
	}
	if p.Status != nil {
		enum(c, "Status", *p.Status, false, integrationStatuses...)
	}
	c.jsonb("RetryPolicy", p.RetryPolicy)
	c.textPtr("ErrorMessage", p.ErrorMessage, unbounded)
	return c.err
}

// Validate reports the first filter a Store refuses.
func (p *IntegrationListParams) Validate() error {
	c := nonNil("IntegrationListParams", p)
	if c.err != nil {
		return c.err
	}
	c.text("Type", p.Type)
	texts(c, "Statuses", p.Statuses, unbounded)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *OAuthTokenCreateParams) Validate() error {
	c := nonNil("OAuthTokenCreateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("TokenType", p.TokenType, TokenTypeMaxLen)
	c.text("Scope", p.Scope)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *OAuthTokenUpdateParams) Validate() error {
	c := nonNil("OAuthTokenUpdateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("TokenType", p.TokenType, TokenTypeMaxLen)
	c.text("Scope", p.Scope)
	return c.err
}

// Validate reports the first field a Store refuses.
func (s *OAuthState) Validate() error {
	c := nonNil("OAuthState", s)
	if c.err != nil {
		return c.err
	}
	c.textMax("StateHash", s.StateHash, KeyMaxLen)
	c.textMax("Provider", s.Provider, TypeMaxLen)
	c.text("RedirectURI", s.RedirectURI)
	return c.err
}

// Validate reports the first field a Store refuses. The secret must be a
// signing secret (see [SecretMinBytes]).
func (p *WebhookCreateParams) Validate() error {
	c := nonNil("WebhookCreateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("Name", p.Name, NameMaxLen)
	c.text("URL", p.URL)
	c.secret("Secret", p.Secret)
	texts(c, "Events", p.Events, unbounded)
	enum(c, "Status", p.Status, true, webhookStatuses...)
	c.jsonb("RetryPolicy", p.RetryPolicy)
	return c.err
}

// Validate reports the first field a Store refuses. A PreviousSecret of ""
// (which clears it) is allowed; any other secret must be a signing secret.
func (p *WebhookUpdateParams) Validate() error {
	c := nonNil("WebhookUpdateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textPtr("Name", p.Name, NameMaxLen)
	c.textPtr("URL", p.URL, unbounded)
	if p.Secret != nil {
		c.secret("Secret", *p.Secret)
	}
	if p.PreviousSecret != nil && *p.PreviousSecret != "" {
		c.secret("PreviousSecret", *p.PreviousSecret)
	}
	texts(c, "Events", p.Events, unbounded)
	if p.Status != nil {
		enum(c, "Status", *p.Status, false, webhookStatuses...)
	}
	c.textPtr("DisabledReason", p.DisabledReason, unbounded)
	c.jsonb("RetryPolicy", p.RetryPolicy)
	return c.err
}

// Validate reports the first filter a Store refuses.
func (p *WebhookListParams) Validate() error {
	c := nonNil("WebhookListParams", p)
	if c.err != nil {
		return c.err
	}
	texts(c, "Statuses", p.Statuses, unbounded)
	c.text("Event", p.Event)
	return c.err
}

// Validate reports the first field a Store refuses. The payload is kept
// byte for byte, so it must only be JSON.
func (p *DeliveryInsertParams) Validate() error {
	c := nonNil("DeliveryInsertParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("EventType", p.EventType, TypeMaxLen)
	c.document("Payload", p.Payload, false)
	c.textMax("IdempotencyKey", p.IdempotencyKey, KeyMaxLen)
	c.int32("AttemptNumber", p.AttemptNumber)
	enum(c, "Status", p.Status, true, deliveryStatuses...)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *DeliveryUpdateParams) Validate() error {
	c := nonNil("DeliveryUpdateParams", p)
	if c.err != nil {
		return c.err
	}
	if p.Status != nil {
		enum(c, "Status", *p.Status, false, deliveryStatuses...)
	}
	if p.ResponseStatus != nil {
		c.int32("ResponseStatus", *p.ResponseStatus)
	}
	c.textPtr("ResponseBody", p.ResponseBody, unbounded)
	if p.DurationMS != nil {
		c.int32("DurationMS", *p.DurationMS)
	}
	c.textPtr("ErrorMessage", p.ErrorMessage, unbounded)
	return c.err
}

// Validate reports the first filter a Store refuses.
func (p *DeliveryListParams) Validate() error {
	c := nonNil("DeliveryListParams", p)
	if c.err != nil {
		return c.err
	}
	c.text("EventType", p.EventType)
	texts(c, "Statuses", p.Statuses, unbounded)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *DLQAddParams) Validate() error {
	c := nonNil("DLQAddParams", p)
	if c.err != nil {
		return c.err
	}
	c.text("Reason", p.Reason)
	return c.err
}

// Validate reports a nil DLQListParams.
func (p *DLQListParams) Validate() error { return nonNil("DLQListParams", p).err }

// Validate reports the first field a Store refuses.
func (p *LogInsertParams) Validate() error {
	c := nonNil("LogInsertParams", p)
	if c.err != nil {
		return c.err
	}
	enum(c, "Level", p.Level, false, logLevels...)
	c.text("Message", p.Message)
	c.jsonb("Details", p.Details)
	return c.err
}

// Validate reports the first filter a Store refuses.
func (p *LogListParams) Validate() error {
	c := nonNil("LogListParams", p)
	if c.err != nil {
		return c.err
	}
	texts(c, "Levels", p.Levels, unbounded)
	c.text("Search", p.Search)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *LogSummaryPendingParams) Validate() error {
	c := nonNil("LogSummaryPendingParams", p)
	if c.err != nil {
		return c.err
	}
	if p.Day.IsZero() {
		c.fail("Day", "is required")
	}
	c.text("MetricPrefix", p.MetricPrefix)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *MetricAddParams) Validate() error {
	c := nonNil("MetricAddParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("Metric", p.Metric, MetricMaxLen)
	return c.err
}

// Validate reports the first filter a Store refuses.
func (p *MetricListParams) Validate() error {
	c := nonNil("MetricListParams", p)
	if c.err != nil {
		return c.err
	}
	c.text("Metric", p.Metric)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *AlertRaiseParams) Validate() error {
	c := nonNil("AlertRaiseParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("DedupKey", p.DedupKey, KeyMaxLen)
	enum(c, "Severity", p.Severity, false, alertSeverities...)
	c.text("Title", p.Title)
	c.text("Message", p.Message)
	c.text("Impact", p.Impact)
	return c.err
}

// Validate reports the first filter a Store refuses.
func (p *AlertListParams) Validate() error {
	c := nonNil("AlertListParams", p)
	if c.err != nil {
		return c.err
	}
	texts(c, "Statuses", p.Statuses, unbounded)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *APITokenCreateParams) Validate() error {
	c := nonNil("APITokenCreateParams", p)
	if c.err != nil {
		return c.err
	}
	c.textMax("Name", p.Name, NameMaxLen)
	c.textMax("Prefix", p.Prefix, PrefixMaxLen)
	c.textMax("Hash", p.Hash, KeyMaxLen)
	texts(c, "Scopes", p.Scopes, unbounded)
	return c.err
}

// Validate reports the first field a Store refuses.
func (p *DeliveryPublishParams) Validate() error {
	c := nonNil("DeliveryPublishParams", p)
	if c.err != nil {
		return c.err
	}
	for i, e := range p.Events {
		c := nonNil("DeliveryPublishParams.Events["+strconv.Itoa(i)+"]", e)
		if c.err != nil {
			return c.err
		}
		c.textMax("Type", e.Type, TypeMaxLen)
		c.document("Payload", e.Payload, false)
		c.textMax("IdempotencyKey", e.IdempotencyKey, KeyMaxLen)
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// Validate reports the first field a store refuses.
func (l *DeliveryPublishLease) Validate() error {
	c := nonNil("DeliveryPublishLease", l)
	if c.err != nil {
		return c.err
	}
	if l.ClaimID == uuid.Nil {
		c.fail("ClaimID", "is required")
	}
	if l.Until.IsZero() {
		c.fail("Until", "is required")
	}
	if l.Limit < 1 {
		c.fail("Limit", "must be at least 1")
	}
	c.int32("Limit", l.Limit)
	c.int32("PerWebhookLimit", l.PerWebhookLimit)
	return c.err
}
