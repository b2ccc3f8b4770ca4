package webhook

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
)

// TestSendOpts are optional settings of [Dispatcher.TestSend].
type TestSendOpts struct {
	// Event is the event type whose sample payload is sent; empty means
	// the subscription's first event.
	Event string
}

// TestSend delivers the sample payload of an event to a subscription at
// once, without the queue, and returns what was sent and received (the §12
// debugger): status, duration, request headers and response body. It is not
// retried and not recorded in the delivery history. The error is nil when
// the request was made, whatever the endpoint answered; check
// [Result.OK]. It works on disabled subscriptions too, to check an
// endpoint before enabling it.
func (d *Dispatcher) TestSend(ctx context.Context, orgID, webhookID uuid.UUID, opts *TestSendOpts) (*Result, error) {
	if err := checkCtx(ctx, "TestSend"); err != nil {
		return nil, err
	}
	w, err := d.store.WebhookGet(ctx, orgID, webhookID)
	if err != nil {
		return nil, err
	}
	event := ""
	if opts != nil {
		event = opts.Event
	}
	if event == "" && len(w.Events) > 0 {
		event = w.Events[0]
	}
	if !slices.Contains(w.Events, event) {
		if _, ok := d.catalog.Lookup(event); !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownEvent, event)
		}
	}
	payload, err := d.catalog.SamplePayload(event, d.now())
	if err != nil {
		return nil, err
	}
	pol, err := d.Policy(ctx, w)
	if err != nil {
		return nil, err
	}
	return d.send(ctx, &attempt{webhook: w, eventID: uuid.New(), eventType: event, number: 1,
		payload: payload, timeout: pol.AttemptTimeout}), nil
}
