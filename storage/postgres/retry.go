package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// serializationAttempts bounds how often a transaction that lost a
// serialization race (SQLSTATE 40001) or was chosen as a deadlock victim
// (40P01) runs again before its error reaches the caller.
const serializationAttempts = 8

// serializationBackoff is the first wait between attempts; it doubles, with
// jitter, up to about a quarter of a second in all.
const serializationBackoff = time.Millisecond

// retrySerialization runs fn until it succeeds, fails otherwise, or has
// lost serializationAttempts races. Such a loss is an expected outcome of
// REPEATABLE READ beside concurrent writers, not an error: the transaction
// is simply run again on a fresh snapshot.
func retrySerialization(ctx context.Context, fn func() error) error {
	wait := serializationBackoff
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !isSerializationFailure(err) || attempt == serializationAttempts {
			return err
		}
		t := time.NewTimer(wait + rand.N(wait))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait *= 2
	}
}

// isSerializationFailure reports SQLSTATE 40001 or 40P01.
func isSerializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
