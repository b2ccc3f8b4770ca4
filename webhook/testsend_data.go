package webhook

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// TestSendData is [Dispatcher.TestSend] with the event's data given by the
// caller instead of the catalog's sample: the §12 debugger, where the admin
// edits the sample payload before sending it. data is the payload's "data"
// member (a JSON value); the envelope ({"event","timestamp","data"}) is built
// as for every delivery, so the signatures cover exactly what is sent. The
// event must be in the catalog; data must be valid, storable JSON of at most
// [MaxPayloadSize] bytes. Nothing is queued or recorded.
func (d *Dispatcher) TestSendData(ctx context.Context, orgID, webhookID uuid.UUID, event string, data json.RawMessage) (*Result, error) {
	if _, ok := d.catalog.Lookup(event); !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEvent, event)
	}
	if len(data) > MaxPayloadSize {
		return nil, ErrPayloadTooLarge
	}
	body, err := eventData(data)
	if err != nil {
		return nil, err
	}
	w, err := d.store.WebhookGet(ctx, orgID, webhookID)
	if err != nil {
		return nil, err
	}
	payload, err := encodePayload(event, d.now(), body)
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
