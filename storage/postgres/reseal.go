package postgres

import (
	"context"
	"fmt"

	"github.com/intimeos/integrations/storage/internal/sealed"
)

// SecretsReseal implements [storage.Maintenance] with [sealed.Reseal].
func (s *Store) SecretsReseal(ctx context.Context) (int, error) {
	n, err := sealed.Reseal(ctx, resealTable{s}, s.sealer)
	if err != nil {
		return n, fmt.Errorf("postgres: %w", err)
	}
	return n, nil
}

// resealTable gives [sealed.Reseal] access to the secret columns.
type resealTable struct{ s *Store }

func (t resealTable) Batch(ctx context.Context, c sealed.Column, after string, limit int) (keys, vals []string, err error) {
	q := fmt.Sprintf(`SELECT %[2]s::text, %[3]s::text FROM %[1]s WHERE %[3]s IS NOT NULL AND %[2]s::text > $1
		ORDER BY %[2]s::text LIMIT %[4]d`, c.Table, c.Key, c.Col, limit)
	rows, err := t.s.db.Query(ctx, q, after)
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

func (t resealTable) Swap(ctx context.Context, c sealed.Column, key, old, next string) (bool, error) {
	cast := "text"
	if c.Envelope {
		cast = "jsonb"
	}
	q := fmt.Sprintf(`UPDATE %[1]s SET %[3]s = $3::%[4]s WHERE %[2]s::text = $1 AND %[3]s::text = $2`, c.Table, c.Key, c.Col, cast)
	tag, err := t.s.db.Exec(ctx, q, key, old, next)
	if err != nil {
		return false, mapErr(err)
	}
	return tag.RowsAffected() == 1, nil
}
