package storage

import (
	"context"
	"time"
)

// Store is the seam between the SDK and its database. Every backend
// implements all of it and passes [github.com/intimeos/integrations/storage/storagetest.Exercise].
//
// The interface is a union of one small interface per table family, so a
// package that needs only webhooks can accept a [WebhookStore]; new
// families are added by embedding another interface here.
type Store interface {
	IntegrationStore
	OAuthStore
	OAuthRefreshStore
	WebhookStore
	DeliveryStore
	DeliveryQueue
	DLQStore
	LogStore
	MetricStore
	AlertStore
	APITokenStore
	APIAccessStore
	IntegrationHealthStore
	ActivityStore
	OrganizationSettingsStore
	InboundStore
	ManualStore
	DLQCounter
	Maintenance
}

// Maintenance holds operations that span organizations.
type Maintenance interface {
	// Migrate brings the schema up to date and checks the Sealer's keys
	// against the database's check values, recording the current key's
	// when its ID has none: a key whose ID the database knows but which
	// is not the key that sealed it is a [*KeyMismatchError], and nothing
	// is written. It is safe to run from several processes at once.
	Migrate(ctx context.Context) error
	// SecretsReseal re-encrypts every sealed column that is not sealed with
	// the Sealer's current key and returns how many values it rewrote.
	SecretsReseal(ctx context.Context) (int, error)
	// Now is the store's clock, truncated to microseconds.
	Now() time.Time
}
