package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/webhook"
)

// subscriptions is how many subscriptions the SDK's deliveries spread
// over (and how many receivers' paths River's jobs name).
const subscriptions = 4

// runSDK publishes n deliveries (n/4 events to 4 subscriptions), then
// starts a Dispatcher with the workers and measures until the receiver has
// them all.
func runSDK(ctx context.Context, e *env) (*result, error) {
	d, err := publishSDK(ctx, e)
	if err != nil {
		return nil, err
	}
	e.rcv.expect(e.n)
	res, err := measure(ctx, e, func() error { return d.Start(ctx) }, func() error { return e.rcv.wait(ctx) })
	if stopErr := d.Stop(ctx); err == nil {
		err = stopErr
	}
	return res, err
}

// publishSDK migrates the schema and publishes the deliveries of runSDK
// (e.n is rounded up to a multiple of the subscriptions), and returns the
// Dispatcher, not started.
func publishSDK(ctx context.Context, e *env) (*webhook.Dispatcher, error) {
	key, err := secret.GenerateKey("bench")
	if err != nil {
		return nil, err
	}
	ring, err := secret.NewKeyring(key)
	if err != nil {
		return nil, err
	}
	st, err := postgres.New(e.db.pool, &postgres.Config{Sealer: ring})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	if e.setup != "" {
		if _, err := e.db.pool.Exec(ctx, e.setup); err != nil {
			return nil, err
		}
	}
	d, err := webhook.New(st, &webhook.Config{TLSConfig: e.rcv.tlsConfig(), AllowAddrs: e.rcv.allowAddrs(),
		Workers: workers, PerSubscriptionLimit: workers, PollInterval: 5 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	org := uuid.New()
	for i := range subscriptions {
		name := fmt.Sprintf("bench%d", i)
		if _, err := d.SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: org, Name: name,
			URL: e.rcv.URL + "/hooks/" + name, Events: []string{webhook.EventJobCreated}}); err != nil {
			return nil, err
		}
	}
	var events []*webhook.Event
	for i := range (e.n + subscriptions - 1) / subscriptions {
		events = append(events, &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]int{"n": i}})
		if len(events) == 250 {
			if _, err := d.PublishBatch(ctx, org, events); err != nil {
				return nil, err
			}
			events = events[:0]
		}
	}
	if len(events) > 0 {
		if _, err := d.PublishBatch(ctx, org, events); err != nil {
			return nil, err
		}
	}
	e.n = (e.n + subscriptions - 1) / subscriptions * subscriptions
	return d, nil
}
