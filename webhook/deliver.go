package webhook

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// RetryAfterMax bounds how long a delivery waits for the next attempt when
// an endpoint's Retry-After asks for more than the policy's MaxDelay: the
// endpoint's wish is honoured up to a day, so an attempt is not spent on
// an answer known in advance.
const RetryAfterMax = 24 * time.Hour

// deliver makes one claimed attempt and hands its result to the finisher,
// which records it. A row whose subscription cannot be loaded is parked
// (see [parking]).
func (d *Dispatcher) deliver(ctx context.Context, j *job, r *runner) {
	row := j.row
	w, pol, err := d.lookup(ctx, row.OrganizationID, row.WebhookID)
	if err != nil {
		if ctx.Err() != nil {
			d.release(j, ctx.Err())
			return
		}
		d.park(j, r, fmt.Errorf("load subscription and policy: %w", err))
		return
	}
	if w.Status != storage.WebhookActive {
		// Disabled since the claim (by an admin, or by a 410 to an
		// earlier row): not sent, and not claimed again until enabled.
		d.release(j, fmt.Errorf("subscription %s", w.Status))
		return
	}
	// The attempt ends a margin before the lease, as the claim's clock
	// counts it (the claim itself may have taken a while).
	timeout := min(pol.AttemptTimeout, j.leaseEnd.Sub(d.now())-leaseMargin)
	if timeout <= 0 || j.waits > 0 && timeout < pol.AttemptTimeout {
		// A parked row whose wait ate into the attempt's time goes back
		// for a fresh lease (the store answers again), not for a cut
		// attempt that would count as a timeout.
		d.release(j, errors.New("lease too short for an attempt"))
		return
	}
	res := d.send(ctx, &attempt{webhook: w, eventID: row.EventID, eventType: row.EventType,
		number: row.AttemptNumber, payload: row.Payload, timeout: timeout})
	if ctx.Err() != nil && res.StatusCode == 0 {
		// Stop gave up on the attempt before the endpoint answered: not
		// the endpoint's fault, and due again at once. An answer that did
		// arrive is recorded, so that a 2xx is not sent again.
		d.release(j, ctx.Err())
		return
	}
	it := d.finish(j, pol, res)
	if it.params.DisableWebhook != "" {
		d.markDisabled(w, pol, it.params.DisableWebhook)
	}
	r.fin.add(it)
}

// finish turns an attempt into what recording it writes, and schedules
// what follows: nothing on success, the next attempt, the DLQ, or
// disabling the subscription (410).
func (d *Dispatcher) finish(j *job, pol retry.Policy, res *Result) *finishItem {
	row := j.row
	p := &storage.DeliveryFinishParams{OrganizationID: row.OrganizationID, ID: row.ID, ClaimID: j.claimID,
		Status: storage.DeliverySuccess, RequestHeaders: res.RequestHeaders, ResponseHeaders: res.ResponseHeaders,
		ResponseBody: res.ResponseBody, ResponseTruncated: res.ResponseTruncated,
		DurationMS: int(res.Duration / time.Millisecond), DeliveredAt: res.SentAt}
	if res.StatusCode != 0 {
		p.ResponseStatus = &res.StatusCode
	}
	var dead *DeadLetter
	if !res.OK() {
		derr := deliveryError(row, res)
		// The reason quotes the endpoint (a certificate's names, an
		// error's text): made storable, or PostgreSQL would refuse the
		// row and the attempt would be made again and again.
		p.Status, p.ErrorMessage = storage.DeliveryFailed, validText(derr.Reason())
		dead = d.schedule(p, row, pol, res, derr)
		d.logFailure(row, res, p)
	}
	return &finishItem{params: p, dead: dead, leaseEnd: j.leaseEnd, webhook: row.WebhookID}
}

// schedule decides what follows a failed attempt: the next attempt when
// the policy retries it, else the DLQ (when the policy enables it). A 410
// also disables the subscription and is never retried. It returns the dead
// letter to report, if any.
func (d *Dispatcher) schedule(p *storage.DeliveryFinishParams, row *storage.Delivery, pol retry.Policy, res *Result, derr *DeliveryError) *DeadLetter {
	attempt := derr.Attempt
	if res.StatusCode == http.StatusGone {
		p.DisableWebhook = MsgDisabledGone
	} else if delay, ok := retry.NextAttemptRand(pol, attempt, res.Outcome, d.rand()); ok {
		// The retry package caps Retry-After at the policy's MaxDelay (a
		// synchronous caller cannot wait long); a queued delivery waits as
		// long as the endpoint asked, up to RetryAfterMax.
		delay = max(delay, min(res.Outcome.RetryAfter, RetryAfterMax))
		p.Next = &storage.DeliveryRetry{NextRetryAt: d.now().Add(delay)}
		return nil
	}
	if !pol.DeadLetter {
		return nil
	}
	p.Status = storage.DeliveryDLQ
	p.DLQReason = fmt.Sprintf("%s (after %d attempts)", p.ErrorMessage, attempt)
	return &DeadLetter{OrganizationID: row.OrganizationID, WebhookID: row.WebhookID, DeliveryID: row.ID,
		EventID: row.EventID, EventType: row.EventType, Attempts: attempt, Reason: p.DLQReason}
}

// logFailure logs a failed attempt once, with what follows from it: a
// retry (Warn), the subscription disabled by a 410 (Warn), the dead letter
// queue or no retry left (Error). It names the subscription, delivery,
// event, attempt, status and class, and the reason without the request URL
// (whose query may carry a token); never the payload, the headers or the
// secret.
func (d *Dispatcher) logFailure(row *storage.Delivery, res *Result, p *storage.DeliveryFinishParams) {
	attrs := []any{"organization", row.OrganizationID, "webhook", row.WebhookID, "delivery", row.ID,
		"event", row.EventID, "event_type", row.EventType, "attempt", row.AttemptNumber,
		"status", res.StatusCode, "class", res.Outcome.Class.String(), "reason", logReason(res)}
	log := d.cfg.Logger
	switch {
	case p.DisableWebhook != "":
		log.Warn("webhook: delivery failed: endpoint gone, subscription disabled",
			append(attrs, "dead_letter", p.Status == storage.DeliveryDLQ)...)
	case p.Next != nil:
		log.Warn("webhook: delivery failed; retrying", append(attrs, "next_attempt_at", p.Next.NextRetryAt)...)
	case p.Status == storage.DeliveryDLQ:
		log.Error("webhook: delivery failed; moved to the dead letter queue", attrs...)
	default:
		log.Error("webhook: delivery failed; no retry left", attrs...)
	}
}

// logReason is why an attempt failed, for the log: the spec's "Webhook
// endpoint returned error: 503", or the transport error without the URL
// net/http wraps it in.
func logReason(res *Result) string {
	if res.StatusCode != 0 {
		return fmt.Sprintf("Webhook endpoint returned error: %d", res.StatusCode)
	}
	err := res.Outcome.Err
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if err == nil {
		return res.Outcome.Class.String()
	}
	return validText(err.Error())
}

// deliveryError describes a failed attempt.
func deliveryError(row *storage.Delivery, res *Result) *DeliveryError {
	return &DeliveryError{DeliveryID: row.ID, EventID: row.EventID, Attempt: row.AttemptNumber,
		StatusCode: res.StatusCode, Class: res.Outcome.Class, RetryAfter: res.Outcome.RetryAfter, Err: res.Outcome.Err}
}

// release returns a claimed row to the queue without recording an attempt.
func (d *Dispatcher) release(j *job, why error) {
	d.cfg.Logger.Warn("webhook: releasing delivery", "delivery", j.row.ID, "err", why)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := d.store.DeliveryRelease(ctx, j.claimID, []uuid.UUID{j.row.ID}); err != nil {
		d.cfg.Logger.Warn("webhook: release delivery", "delivery", j.row.ID, "err", err)
	}
	d.held.drop(j.row.WebhookID)
}

// rand returns the jitter source.
func (d *Dispatcher) rand() func() float64 {
	if d.cfg.Rand != nil {
		return d.cfg.Rand
	}
	return rand.Float64
}
