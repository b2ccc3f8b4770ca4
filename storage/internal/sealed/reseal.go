package sealed

import (
	"context"
	"fmt"

	"github.com/intimeos/integrations/storage"
)

// Column names a column that holds sealed text, or an envelope when
// Envelope is set, and the key that identifies its rows.
type Column struct {
	Table, Key, Col string
	Envelope        bool
}

// Columns are every secret column of the schema.
var Columns = []Column{
	{Table: "integrations", Key: "id", Col: "config", Envelope: true},
	{Table: "oauth_tokens", Key: "id", Col: "access_token"},
	{Table: "oauth_tokens", Key: "id", Col: "refresh_token"},
	{Table: "oauth_states", Key: "state_hash", Col: "code_verifier"},
	{Table: "webhooks", Key: "id", Col: "secret"},
	{Table: "webhooks", Key: "id", Col: "previous_secret"},
	{Table: "inbound_endpoints", Key: "integration_id", Col: "token"},
}

// BatchSize is how many rows [Reseal] reads at a time.
const BatchSize = 500

// Table is what a backend offers [Reseal].
type Table interface {
	// Batch returns up to limit non-NULL values of c with keys after
	// after, in key order, as text.
	Batch(ctx context.Context, c Column, after string, limit int) (keys, vals []string, err error)
	// Swap sets c to next on the row with key if it still holds old, and
	// reports whether it did.
	Swap(ctx context.Context, c Column, key, old, next string) (bool, error)
}

// Reseal re-encrypts every secret column with s's current key. It walks each
// column in key order, in batches, and rewrites a value only if it is still
// the one it read (compare-and-swap), so a concurrent update is never
// overwritten; it returns how many values it changed.
func Reseal(ctx context.Context, t Table, s storage.Sealer) (int, error) {
	total := 0
	for _, c := range Columns {
		n, err := resealColumn(ctx, t, s, c)
		total += n
		if err != nil {
			return total, fmt.Errorf("reseal %s.%s: %w", c.Table, c.Col, err)
		}
	}
	return total, nil
}

func resealColumn(ctx context.Context, t Table, s storage.Sealer, c Column) (int, error) {
	n, after := 0, ""
	for {
		keys, vals, err := t.Batch(ctx, c, after, BatchSize)
		if err != nil || len(keys) == 0 {
			return n, err
		}
		for i := range keys {
			changed, err := resealOne(ctx, t, s, c, keys[i], vals[i])
			if err != nil {
				return n, err
			}
			if changed {
				n++
			}
		}
		after = keys[len(keys)-1]
	}
}

func resealOne(ctx context.Context, t Table, s storage.Sealer, c Column, key, val string) (bool, error) {
	ct := val
	if c.Envelope {
		var err error
		if ct, err = Unwrap([]byte(val)); err != nil {
			return false, err
		}
	}
	next, changed, err := s.Reseal(ct)
	if err != nil || !changed {
		return false, err
	}
	if c.Envelope {
		b, err := Wrap(next)
		if err != nil {
			return false, err
		}
		next = string(b)
	}
	return t.Swap(ctx, c, key, val, next)
}
