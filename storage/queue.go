package storage

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// DeliveryQueue is the durable webhook delivery queue. It is not a job
// library: a pending row of webhook_deliveries is the job, and next_retry_at
// is when it is due (NULL means now).
//
// # Leases and fencing
//
// A worker calls [DeliveryQueue.DeliveryClaim] with a fresh ClaimID. Each
// row it gets back is leased: the row's claim_id is set to ClaimID and its
// locked_until to Now+LeaseFor, and no other claim returns it while the lease
// lasts. The lease belongs to ClaimID, which the worker keeps beside the
// returned rows (the [Delivery] record does not carry it).
//
// The worker makes the attempt and reports it with
// [DeliveryQueue.DeliveryFinish], passing the same ClaimID. The ClaimID is a
// fencing token: Finish succeeds only while the row is still leased under
// it. If the worker stalled past its lease, the reaper
// ([DeliveryQueue.DeliveryReapExpired]) or another claim may have taken the
// row; Finish then fails with [ErrConflict] and changes nothing, so a late
// worker never overwrites the result of the attempt that replaced it.
// Delivery is therefore at-least-once: a receiver may see an event twice and
// de-duplicates on [Delivery.EventID].
//
// The lease must be longer than the attempt's timeout, so that a healthy
// worker always finishes in time. A worker that stops gracefully gives its
// unstarted rows back with [DeliveryQueue.DeliveryRelease]; they are due
// again at once.
//
// An expired lease does not block a claim: a claim takes rows whose
// locked_until is NULL or not after Now. The reaper only clears expired
// leases so that they stop counting against a webhook's limit of rows leased
// at once (see [DeliveryClaimParams.PerWebhookLimit]) and so that stale
// claim IDs are forgotten.
//
// # Backends
//
// On PostgreSQL a claim is one statement that locks its rows with FOR UPDATE
// SKIP LOCKED, so any number of processes on any number of hosts may claim
// at once and no two leases of one row overlap. On SQLite the single writer
// serialises claims.
type DeliveryQueue interface {
	// DeliveryClaim leases up to Limit due rows across organizations: rows
	// that are pending, whose next_retry_at is NULL or not after Now, whose
	// lease is free (locked_until NULL or not after Now) and whose webhook
	// is active. Rows come oldest due first: next_retry_at (NULL first),
	// then created_at, then id. The returned rows carry their new lease,
	// which belongs to p.ClaimID.
	DeliveryClaim(ctx context.Context, p *DeliveryClaimParams) ([]*Delivery, error)
	// DeliveryFinish records the result of a leased attempt and clears its
	// lease, together with what follows from it (the next attempt, a
	// dead-letter entry, disabling the webhook), in one transaction. A row
	// no longer leased under p.ClaimID is [ErrConflict] and nothing
	// changes; a row of another organization is [ErrNotFound]. It returns
	// the finished row.
	DeliveryFinish(ctx context.Context, p *DeliveryFinishParams) (*Delivery, error)
	// DeliveryFinishBatch records many attempts in one transaction, each
	// exactly as [DeliveryQueue.DeliveryFinish] would, and returns one error
	// per item, in the order of ps: nil when the item was recorded,
	// [ErrConflict] when its row is no longer leased under its ClaimID,
	// [ErrNotFound] for a row of another organization, or its validation
	// error. Such an item changes nothing and does not fail the others.
	// Any other error (the database's) fails the whole call: nothing is
	// recorded, the slice is nil, and the caller may retry the items one
	// by one with DeliveryFinish. An empty ps is a no-op.
	DeliveryFinishBatch(ctx context.Context, ps []*DeliveryFinishParams) ([]error, error)
	// DeliveryRelease clears the lease of the rows of ids still leased
	// under claimID, which makes them claimable again at once, and returns
	// how many it released. Rows leased under another claim are left alone.
	DeliveryRelease(ctx context.Context, claimID uuid.UUID, ids []uuid.UUID) (int, error)
	// DeliveryReapExpired clears the leases of pending rows whose
	// locked_until is before now and returns how many. Their claim IDs stop
	// being valid: a late DeliveryFinish with one is [ErrConflict].
	DeliveryReapExpired(ctx context.Context, now time.Time) (int, error)
	// DeliveryDeleteBefore deletes up to limit rows, across organizations,
	// created before before that are not pending and that no dead-letter
	// entry refers to, oldest first within an organization, and returns how
	// many (retention; call it until it returns less than limit). Its cost
	// follows the organizations and the rows it deletes, not the size of
	// the history. A limit below 1 is an error.
	DeliveryDeleteBefore(ctx context.Context, before time.Time, limit int) (int, error)
	// DeliveryStats counts an organization's attempts delivered (by
	// delivered_at) at or after since, for one webhook or, when webhookID is
	// uuid.Nil, for all of them; a zero since counts every attempt. An
	// unknown webhook, or one of another organization, gives zero counts
	// rather than [ErrNotFound]: the answer is the same as for a webhook
	// with no deliveries, so it reveals nothing.
	DeliveryStats(ctx context.Context, orgID, webhookID uuid.UUID, since time.Time) (*DeliveryStats, error)
}

// DeliveryClaimParams say what [DeliveryQueue.DeliveryClaim] takes.
type DeliveryClaimParams struct {
	// Now is the claimer's clock: rows due at or before it are taken, and
	// leases end at Now+LeaseFor. Zero means the store's clock.
	Now time.Time
	// Limit is the most rows to lease; zero or negative means
	// [LimitDefault], and anything above [LimitMax] is clamped to it.
	Limit int
	// LeaseFor is how long the rows stay leased. It must be positive and
	// longer than an attempt can take.
	LeaseFor time.Duration
	// ClaimID identifies this claim; the leases belong to it. Required: use
	// a new ID for every claim.
	ClaimID uuid.UUID
	// PerWebhookLimit, when positive, caps how many rows of one webhook are
	// leased at once, counting the rows already leased by earlier claims
	// (whose leases have not expired): a webhook at its cap gets nothing
	// from this claim, so one slow or busy receiver cannot take every
	// worker. Zero means no cap. The cap is exact on SQLite and for one
	// claimer. On PostgreSQL it is counted from each claim's snapshot, so
	// two claims that overlap in time can together pass it when a row of
	// the webhook became due, or was released, between their snapshots and
	// sorts before the rows the earlier claim took; they never lease the
	// same row. A capped claim that meets rows a concurrent claim is
	// leasing may also return fewer than Limit rows although more are due.
	PerWebhookLimit int
	// Claimer, when not uuid.Nil, makes PerWebhookLimit a cap per
	// claimer (a process, a webhook.Dispatcher): only the rows leased by
	// its own claims count, so that several claimers share a busy webhook,
	// each up to the cap, instead of the quickest holding every place.
	// ClaimID must then be one of Claimer's ([NewClaimID]); see
	// [DeliveryClaimParams.ClaimerRange]. Zero counts every claim.
	Claimer uuid.UUID
}

// Validate reports a missing claim ID or lease length (see [ErrInvalid]).
func (p *DeliveryClaimParams) Validate() error {
	c := nonNil("DeliveryClaimParams", p)
	switch {
	case c.err != nil:
	case p.ClaimID == uuid.Nil:
		c.fail("ClaimID", "is required")
	case p.LeaseFor <= 0:
		c.fail("LeaseFor", "must be positive")
	case p.PerWebhookLimit < 0:
		c.fail("PerWebhookLimit", "must not be negative")
	}
	return c.err
}

// DeliveryRetry schedules the next attempt of a delivery.
type DeliveryRetry struct {
	// NextRetryAt is when the next attempt is due.
	NextRetryAt time.Time
}

// DeliveryFinishParams are the result of one leased attempt, for
// [DeliveryQueue.DeliveryFinish].
type DeliveryFinishParams struct {
	OrganizationID uuid.UUID
	// ID is the attempt's row.
	ID uuid.UUID
	// ClaimID is the claim that leased the row (the fencing token).
	ClaimID uuid.UUID
	// Status is the attempt's final status: [DeliverySuccess],
	// [DeliveryFailed] or [DeliveryDLQ] (required with DLQReason).
	Status            DeliveryStatus
	RequestHeaders    http.Header
	ResponseHeaders   http.Header
	ResponseStatus    *int
	ResponseBody      string
	ResponseTruncated bool
	DurationMS        int
	// DeliveredAt is when the attempt was made; zero means the store's
	// clock.
	DeliveredAt  time.Time
	ErrorMessage string
	// Next, when set, inserts the next attempt: a pending row with the same
	// organization, webhook, event ID, event type and payload, the next
	// attempt number, no idempotency key, due at Next.NextRetryAt. The
	// finished row's NextRetryAt is set to the same time, for the history.
	Next *DeliveryRetry
	// DLQReason, when set, adds a dead-letter entry for the row with this
	// reason. Status must then be [DeliveryDLQ].
	DLQReason string
	// DisableWebhook, when set, disables the row's webhook with this
	// reason (for example after an HTTP 410 Gone).
	DisableWebhook string
}

// Validate reports a missing key, a status that does not end an attempt,
// or text a Store refuses (see [ErrInvalid]).
func (p *DeliveryFinishParams) Validate() error {
	c := nonNil("DeliveryFinishParams", p)
	switch {
	case c.err != nil:
		return c.err
	case p.ClaimID == uuid.Nil:
		c.fail("ClaimID", "is required")
	case p.Status != DeliverySuccess && p.Status != DeliveryFailed && p.Status != DeliveryDLQ:
		c.fail("Status", "must be success, failed or dlq")
	case p.DLQReason != "" && p.Status != DeliveryDLQ:
		c.fail("DLQReason", "needs Status dlq")
	}
	if p.ResponseStatus != nil {
		c.int32("ResponseStatus", *p.ResponseStatus)
	}
	c.text("ResponseBody", p.ResponseBody)
	c.int32("DurationMS", p.DurationMS)
	c.text("ErrorMessage", p.ErrorMessage)
	c.text("DLQReason", p.DLQReason)
	c.text("DisableWebhook", p.DisableWebhook)
	return c.err
}

// DeliveryStats summarises a webhook's recent attempts (see
// [DeliveryQueue.DeliveryStats]).
type DeliveryStats struct {
	// Total is Succeeded + Failed + DeadLettered: the attempts delivered
	// since the given time.
	Total int
	// Succeeded counts attempts with status success.
	Succeeded int
	// Failed counts attempts with status failed (each may have been
	// retried).
	Failed int
	// Pending counts the rows waiting in the queue now, whatever their
	// time: a pending row has not been delivered yet.
	Pending int
	// DeadLettered counts attempts with status dlq.
	DeadLettered int
	// LastAttemptAt is the latest delivered_at of any finished attempt,
	// before the given time too (the subscription's "last triggered");
	// nil when there are none.
	LastAttemptAt *time.Time
}

// DeliveryPumper is implemented by stores that record a dispatcher's
// results and claim its next rows in one round trip (PostgreSQL). It is
// optional: a dispatcher uses DeliveryFinishBatch and DeliveryClaim when
// the store does not implement it.
type DeliveryPumper interface {
	// DeliveryPump records p.Finish as [DeliveryQueue.DeliveryFinishBatch]
	// would, then claims as [DeliveryQueue.DeliveryClaim] would with
	// p.Claim (when not nil), in one transaction, and returns one error per
	// item of p.Finish and the claimed rows. An error of the call itself
	// means nothing was recorded or claimed.
	//
	// The caller counts its own leases (p.Held), so the store keeps no
	// lease counts for a pump's claims: recording a result writes its row
	// and what follows from it, nothing else. Such leases are therefore
	// not counted by the PerWebhookLimit of claims made with
	// [DeliveryQueue.DeliveryClaim], and [DeliveryQueue.DeliveryReapExpired]
	// does not see them; an expired one is taken over by the next claim
	// all the same (a claim takes rows whose lease has ended), which then
	// fences off the old claim ID.
	DeliveryPump(ctx context.Context, p *DeliveryPumpParams) ([]error, []*Delivery, error)
}

// DeliveryClaimReleaser is implemented by a store whose claim can commit
// although its caller saw the call fail (the connection was lost after
// the commit and before the answer). The caller then holds none of the
// rows such a claim leased; DeliveryClaimRelease clears the lease of every
// pending row still leased under claimID, so that they are due again at
// once instead of when the lease ends, and returns how many it released.
// It is optional; PostgreSQL implements it.
type DeliveryClaimReleaser interface {
	DeliveryClaimRelease(ctx context.Context, claimID uuid.UUID) (int, error)
}

// DeliveryPumpParams say what [DeliveryPumper.DeliveryPump] does.
type DeliveryPumpParams struct {
	// Finish are results of attempts leased by the caller's claims.
	Finish []*DeliveryFinishParams
	// Claim, when not nil, is the claim to make after recording. Its
	// PerWebhookLimit needs a Claimer, and is counted from Held.
	Claim *DeliveryClaimParams
	// Held is how many rows of each webhook the claimer holds once Finish
	// is recorded (leased and neither recorded nor released), for Claim's
	// PerWebhookLimit.
	Held map[uuid.UUID]int
}

// DeliveryPublisher is implemented by stores that publish an event in one
// statement (PostgreSQL): they find the subscribed webhooks and write
// their rows in the same round trip, rather than listing the webhooks
// with [WebhookStore.WebhookList] and writing the rows with
// [DeliveryStore.DeliveryInsert]. It is optional.
type DeliveryPublisher interface {
	// DeliveryPublish writes, for each event of p in turn, one pending
	// delivery (attempt 1, a new event ID each) per active webhook of
	// p.OrganizationID whose Events hold the event's type, in the order
	// of [WebhookStore.WebhookList] (newest webhook first), and returns the
	// rows written in that order. A webhook that already has a delivery
	// with the event's IdempotencyKey is skipped. The rows commit
	// together, and wake listening workers as DeliveryInsert's do.
	DeliveryPublish(ctx context.Context, p *DeliveryPublishParams) ([]*Delivery, error)
}

// DeliveryPublishLeaser is a [DeliveryPublisher] that can hand some of
// the rows it writes straight to the publisher's idle workers: written
// already leased, they need no claim, so a publish reaches the receiver
// one round trip (and one commit) sooner. It is optional; PostgreSQL
// implements it.
type DeliveryPublishLeaser interface {
	DeliveryPublisher
	// DeliveryPublishLeased publishes as DeliveryPublish does, and writes
	// the first rows, in the order returned, leased under lease.ClaimID
	// until lease.Until: at most lease.Limit of them, and with a
	// PerWebhookLimit, only as many of a webhook's rows as keep the
	// webhook's held rows (lease.Held, plus those leased here) within it.
	// Rows an IdempotencyKey skips may use up places. It returns every
	// row written, and those of them it leased (the caller holds them
	// now; see [DeliveryQueue.DeliveryFinishBatch]). Listening workers
	// are woken only when a row was written unleased.
	DeliveryPublishLeased(ctx context.Context, p *DeliveryPublishParams, lease *DeliveryPublishLease) (rows, leased []*Delivery, err error)
}

// DeliveryPublishLease is the lease [DeliveryPublishLeaser] writes rows
// under: a claim of the publisher's, as [DeliveryClaimParams] describes
// one.
type DeliveryPublishLease struct {
	// ClaimID is a new claim ID (see [NewClaimID]).
	ClaimID uuid.UUID
	// Until is when the lease ends.
	Until time.Time
	// Limit is how many rows may be leased, at least 1.
	Limit int
	// PerWebhookLimit, when positive, caps the rows of one webhook the
	// claimer holds, counted from Held.
	PerWebhookLimit int
	// Held is how many rows of each webhook the claimer holds now.
	Held map[uuid.UUID]int
}

// DeliveryPublishParams are the events [DeliveryPublisher.DeliveryPublish]
// fans out to an organization's webhooks.
type DeliveryPublishParams struct {
	OrganizationID uuid.UUID
	Events         []*DeliveryPublishEvent
}

// DeliveryPublishEvent is one published event: its type, its body as
// sent, and its idempotency key (none when empty).
type DeliveryPublishEvent struct {
	Type           string
	Payload        json.RawMessage
	IdempotencyKey string
}
