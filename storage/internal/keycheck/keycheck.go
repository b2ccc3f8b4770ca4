// Package keycheck holds what the SQL backends share about key check values:
// one value per key ID, sealed with that key, recorded in the database the
// first time a Sealer seals with the key there, and opened on every
// migration, so that a wrong key under a known ID is refused before it seals
// anything.
package keycheck

import (
	"context"
	"slices"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/sealed"
)

// Plaintext is what every check value seals.
const Plaintext = "intime key check v1"

// SampleSize is how many values of each secret column [Verify] reads to
// compare a key with the values already sealed under its ID, when the ID has
// no check value yet (a database written before check values existed).
const SampleSize = sealed.BatchSize

// Table is what a backend offers [Verify], inside the transaction (and under
// the lock) of its migration, so that several processes verifying at once
// take turns.
type Table interface {
	// Checks returns the recorded check values by key ID.
	Checks(ctx context.Context) (map[string]string, error)
	// Record records check for keyID unless a value is already recorded
	// for it.
	Record(ctx context.Context, keyID, check string) error
	// Sample returns up to limit non-NULL values of c, as stored.
	Sample(ctx context.Context, c sealed.Column, limit int) ([]string, error)
}

// Verify records the check value of s's current key if its ID has none,
// then opens every recorded check value whose key s holds. A key that
// cannot open its ID's check value is a [*storage.KeyMismatchError]; check
// values of keys s does not hold (retired keys, or keys other hosts rotated
// to first) are passed over.
//
// Before recording the first check value of an ID, Verify compares the key
// with up to [SampleSize] values of each secret column sealed under that ID:
// a database written before check values existed is checked too.
func Verify(ctx context.Context, t Table, s storage.Sealer) error {
	check, err := s.Seal([]byte(Plaintext))
	if err != nil {
		return err
	}
	id, err := s.KeyID(check)
	if err != nil {
		return err
	}
	checks, err := t.Checks(ctx)
	if err != nil {
		return err
	}
	if _, ok := checks[id]; !ok {
		if err := verifySealed(ctx, t, s, id); err != nil {
			return err
		}
		if err := t.Record(ctx, id, check); err != nil {
			return err
		}
		if checks, err = t.Checks(ctx); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(checks))
	for kid := range checks {
		ids = append(ids, kid)
	}
	slices.Sort(ids)
	for _, kid := range ids {
		if !opens(s, checks[kid]) {
			return &storage.KeyMismatchError{KeyID: kid}
		}
	}
	return nil
}

// opens reports whether s opens a check value, or does not hold its key.
func opens(s storage.Sealer, check string) bool {
	pt, err := s.Open(check)
	if err == nil {
		return string(pt) == Plaintext
	}
	kid, kerr := s.KeyID(check)
	return kerr != nil && kid != "" // sealed with a key s does not hold
}

// verifySealed compares the key of id with the values already sealed under
// id: if any were found and none opens, the key is not theirs.
func verifySealed(ctx context.Context, t Table, s storage.Sealer, id string) error {
	tried := 0
	for _, c := range sealed.Columns {
		vals, err := t.Sample(ctx, c, SampleSize)
		if err != nil {
			return err
		}
		for _, v := range vals {
			ct := v
			if c.Envelope {
				if ct, err = sealed.Unwrap([]byte(v)); err != nil {
					continue
				}
			}
			if kid, err := s.KeyID(ct); err != nil || kid != id {
				continue
			}
			if _, err := s.Open(ct); err == nil {
				return nil
			}
			tried++
		}
	}
	if tried > 0 {
		return &storage.KeyMismatchError{KeyID: id}
	}
	return nil
}
