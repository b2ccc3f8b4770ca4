package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage/internal/sealed"
)

// keyTable gives [keycheck.Verify] the migration's transaction, under its
// advisory lock: processes opening the database at once verify one after
// the other, and the first to seal with a key ID records it.
type keyTable struct{ tx pgx.Tx }

func (t keyTable) Checks(ctx context.Context) (map[string]string, error) {
	rows, err := t.tx.Query(ctx, `SELECT key_id, check_value FROM intime_key_checks`)
	if err != nil {
		return nil, fmt.Errorf("postgres: key check: %w", err)
	}
	out := map[string]string{}
	var id, v string
	_, err = pgx.ForEachRow(rows, []any{&id, &v}, func() error {
		out[id] = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: key check: %w", err)
	}
	return out, nil
}

func (t keyTable) Record(ctx context.Context, keyID, check string) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO intime_key_checks (key_id, check_value) VALUES ($1, $2)
		ON CONFLICT (key_id) DO NOTHING`, keyID, check)
	if err != nil {
		return fmt.Errorf("postgres: record key check: %w", err)
	}
	return nil
}

func (t keyTable) Sample(ctx context.Context, c sealed.Column, limit int) ([]string, error) {
	rows, err := t.tx.Query(ctx, fmt.Sprintf(`SELECT %[2]s::text FROM %[1]s WHERE %[2]s IS NOT NULL LIMIT %[3]d`,
		c.Table, c.Col, limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: key check: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: key check: %w", err)
	}
	return out, nil
}
