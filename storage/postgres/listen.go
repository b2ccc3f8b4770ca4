package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
)

// DeliveriesChannel is the notification channel on which
// [Store.DeliveryInsert] announces new pending deliveries. The payload is
// the schema the rows were written to (current_schema()), so that stores on
// different schemas of one database do not wake each other's workers.
const DeliveriesChannel = "intime_deliveries"

// Reconnection delays of [Store.ListenDeliveries]: the first retry waits
// listenBackoffMin, each failure doubles the wait up to listenBackoffMax,
// and a connection that got as far as LISTEN starts over at the minimum.
const (
	listenBackoffMin = 100 * time.Millisecond
	listenBackoffMax = 30 * time.Second
	// listenCloseTimeout bounds closing the listening connection.
	listenCloseTimeout = 5 * time.Second
)

// notifyDeliveries queues a notification on [DeliveriesChannel] when ds
// holds a pending row. It runs inside the inserting transaction, so the
// notification is sent on commit and never for a rollback (which is what a
// transactional outbox through [Store.WithTx] needs). PostgreSQL folds
// identical notifications of one transaction into one.
func notifyDeliveries(ctx context.Context, tx pgx.Tx, ds []*storage.Delivery) error {
	for _, d := range ds {
		if d.Status == storage.DeliveryPending {
			_, err := tx.Exec(ctx, `SELECT pg_notify($1, COALESCE(current_schema(), ''))`, DeliveriesChannel)
			return mapErr(err)
		}
	}
	return nil
}

// ListenDeliveries calls wake whenever a pending delivery is inserted into
// the Store's schema, by this process or any other, until ctx ends; then it
// returns nil. wake runs on ListenDeliveries' goroutine and should not block
// (a non-blocking send on a channel of capacity one is typical).
//
// It takes a connection of its own out of the pool for as long as it runs
// and LISTENs on [DeliveriesChannel]. When the connection fails it
// reconnects with exponential backoff (100 ms up to 30 s), logging each
// failure. Notifications sent while no connection listens are lost, so wake
// is also called each time listening (re)starts; polling remains the
// fallback for anything missed.
func (s *Store) ListenDeliveries(ctx context.Context, wake func()) error {
	delay := listenBackoffMin
	for {
		listened, err := s.listen(ctx, wake)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			delay = listenBackoffMin
		}
		s.logger.WarnContext(ctx, "postgres: delivery listener lost its connection", "error", err, "retry_in", delay)
		if !sleepCtx(ctx, delay) {
			return nil
		}
		delay = min(2*delay, listenBackoffMax)
	}
}

// listen runs one listening connection until it fails or ctx ends;
// listened reports whether it got as far as LISTEN.
func (s *Store) listen(ctx context.Context, wake func()) (listened bool, err error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	// The connection leaves the pool for good: it must not be handed to
	// anyone else while it LISTENs.
	conn := pc.Hijack()
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listenCloseTimeout)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	var schema string
	if err := conn.QueryRow(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
		return false, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+DeliveriesChannel); err != nil {
		return false, err
	}
	wake()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		if n.Payload == schema {
			wake()
		}
	}
}

// sleepCtx waits for d or for ctx to end, and reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
