package webhook

import (
	"context"
	"errors"
)

// The messages of [CreateResult.Message] (ADMIN-INT-004: "Webhook created,
// test payload sent").
const (
	MsgCreatedTestSent = "Webhook created, test payload sent"
	// MsgCreatedTestFailed is followed by why: the spec's "Webhook
	// endpoint returned error: [code]", or the transport's failure.
	MsgCreatedTestFailed = "Webhook created, but the test payload was not delivered: "
)

// CreateResult is what saving the "+ New Webhook" form answers
// (ADMIN-INT-004): the subscription, and whether its endpoint received the
// test payload.
type CreateResult struct {
	// Subscription is the new subscription, its secret in full (the only
	// time it is shown).
	Subscription *Subscription
	// TestSent reports that the test payload was delivered: the endpoint
	// answered 2xx. False says clearly that it was not: see Message.
	TestSent bool
	// Test is the test send's request and response (the §12 debugger's
	// "Delivery Result"); nil when no request could be made.
	Test *Result
	// Message is what the admin is told: [MsgCreatedTestSent], or
	// [MsgCreatedTestFailed] and the reason.
	Message string
}

// SubscriptionCreateTested creates a subscription as
// [Dispatcher.SubscriptionCreate] does and then sends it the test payload
// of its first event (opts.Event, if set), signed like every delivery, at
// once and outside the queue ([Dispatcher.TestSend]). The subscription
// stays created whatever the endpoint answers; the result says whether
// the payload arrived. An invalid form is a *ValidationError, and nothing
// is created or sent.
func (d *Dispatcher) SubscriptionCreateTested(ctx context.Context, p *SubscriptionCreateParams, opts *TestSendOpts) (*CreateResult, error) {
	s, err := d.SubscriptionCreate(ctx, p)
	if err != nil {
		return nil, err
	}
	out := &CreateResult{Subscription: s}
	res, err := d.TestSend(ctx, s.OrganizationID, s.ID, opts)
	switch {
	case err != nil:
		out.Message = MsgCreatedTestFailed + err.Error()
	case res.OK():
		out.Test, out.TestSent, out.Message = res, true, MsgCreatedTestSent
	default:
		out.Test, out.Message = res, MsgCreatedTestFailed+reason(res.Err())
	}
	return out, nil
}

// reason is a failed attempt's reason as the history shows it.
func reason(err error) string {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Reason()
	}
	return err.Error()
}
