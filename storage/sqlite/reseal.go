package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
)

// sealedColumn names a column that holds sealed text, or a JSON envelope
// when envelope is set.
type sealedColumn struct {
	table, key, col string
	envelope        bool
}

var sealedColumns = []sealedColumn{
	{table: "integrations", key: "id", col: "config", envelope: true},
	{table: "oauth_tokens", key: "id", col: "access_token"},
	{table: "oauth_tokens", key: "id", col: "refresh_token"},
	{table: "oauth_states", key: "state_hash", col: "code_verifier"},
	{table: "webhooks", key: "id", col: "secret"},
	{table: "webhooks", key: "id", col: "previous_secret"},
}

const resealBatch = 500

// SecretsReseal implements [storage.Maintenance]. It walks each sealed
// column in key order, in batches, and rewrites a value only if it is still
// the one it read (compare-and-swap), so a concurrent update is never
// overwritten; only rows it actually changed are counted.
func (s *Store) SecretsReseal(ctx context.Context) (int, error) {
	total := 0
	for _, c := range sealedColumns {
		n, err := s.resealColumn(ctx, c)
		total += n
		if err != nil {
			return total, fmt.Errorf("sqlite: reseal %s.%s: %w", c.table, c.col, err)
		}
	}
	return total, nil
}

func (s *Store) resealColumn(ctx context.Context, c sealedColumn) (int, error) {
	n, after := 0, ""
	for {
		keys, vals, err := s.sealedBatch(ctx, c, after)
		if err != nil || len(keys) == 0 {
			return n, err
		}
		for i := range keys {
			changed, err := s.resealOne(ctx, c, keys[i], vals[i])
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

func (s *Store) sealedBatch(ctx context.Context, c sealedColumn, after string) (keys, vals []string, err error) {
	q := fmt.Sprintf(`SELECT %[2]s, %[3]s FROM %[1]s WHERE %[3]s IS NOT NULL AND %[2]s > ?1
		ORDER BY %[2]s LIMIT %[4]d`, c.table, c.key, c.col, resealBatch)
	rows, err := s.query(ctx, nil, q, after)
	if err != nil {
		return nil, nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, nil, mapErr(err)
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals, mapErr(rows.Err())
}

func (s *Store) resealOne(ctx context.Context, c sealedColumn, key, val string) (bool, error) {
	sealed := val
	if c.envelope {
		var env sealedJSON
		if err := json.Unmarshal([]byte(val), &env); err != nil {
			return false, err
		}
		sealed = env.Sealed
	}
	if sealed == "" {
		return false, nil
	}
	next, changed, err := s.sealer.Reseal(sealed)
	if err != nil || !changed {
		return false, err
	}
	newVal := next
	if c.envelope {
		b, err := json.Marshal(sealedJSON{Sealed: next})
		if err != nil {
			return false, err
		}
		newVal = string(b)
	}
	q := fmt.Sprintf(`UPDATE %[1]s SET %[3]s = ?3 WHERE %[2]s = ?1 AND %[3]s = ?2`, c.table, c.key, c.col)
	n, err := s.writeExec(ctx, q, key, val, newVal)
	return n == 1, err
}
