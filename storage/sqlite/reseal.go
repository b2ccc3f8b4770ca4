package sqlite

import (
	"context"
	"fmt"

	"github.com/intimeos/integrations/storage/internal/sealed"
)

// SecretsReseal implements [storage.Maintenance] with [sealed.Reseal].
func (s *Store) SecretsReseal(ctx context.Context) (int, error) {
	n, err := sealed.Reseal(ctx, resealTable{s}, s.sealer)
	if err != nil {
		return n, fmt.Errorf("sqlite: %w", err)
	}
	return n, nil
}

// resealTable gives [sealed.Reseal] access to the secret columns.
type resealTable struct{ s *Store }

func (t resealTable) Batch(ctx context.Context, c sealed.Column, after string, limit int) (keys, vals []string, err error) {
	q := fmt.Sprintf(`SELECT %[2]s, %[3]s FROM %[1]s WHERE %[3]s IS NOT NULL AND %[2]s > ?1
		ORDER BY %[2]s LIMIT %[4]d`, c.Table, c.Key, c.Col, limit)
	rows, err := t.s.query(ctx, nil, q, after)
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
	q := fmt.Sprintf(`UPDATE %[1]s SET %[3]s = ?3 WHERE %[2]s = ?1 AND %[3]s = ?2`, c.Table, c.Key, c.Col)
	n, err := t.s.writeExec(ctx, q, key, old, next)
	return n == 1, err
}
