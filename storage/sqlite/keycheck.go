package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/intimeos/integrations/storage/internal/keycheck"
	"github.com/intimeos/integrations/storage/internal/sealed"
)

// keyTable gives [keycheck.Verify] the migration's connection, inside its
// BEGIN IMMEDIATE transaction: processes opening the file at once verify
// one after the other, and the first to seal with a key ID records it.
type keyTable struct {
	conn *sql.Conn
	now  string
}

func (t keyTable) Checks(ctx context.Context) (map[string]string, error) {
	rows, err := t.conn.QueryContext(ctx, `SELECT key_id, check_value FROM intime_key_checks`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: key check: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("sqlite: key check: %w", err)
		}
		out[id] = v
	}
	return out, rows.Err()
}

func (t keyTable) Record(ctx context.Context, keyID, check string) error {
	_, err := t.conn.ExecContext(ctx, `INSERT INTO intime_key_checks (key_id, check_value, created_at)
		VALUES (?1, ?2, ?3) ON CONFLICT (key_id) DO NOTHING`, keyID, check, t.now)
	if err != nil {
		return fmt.Errorf("sqlite: record key check: %w", err)
	}
	return nil
}

func (t keyTable) Sample(ctx context.Context, c sealed.Column, limit int) ([]string, error) {
	rows, err := t.conn.QueryContext(ctx, fmt.Sprintf(`SELECT %[2]s FROM %[1]s WHERE %[2]s IS NOT NULL LIMIT %[3]d`,
		c.Table, c.Col, limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: key check: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("sqlite: key check: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// verifyKeys runs [keycheck.Verify] on the migration's connection.
func (s *Store) verifyKeys(ctx context.Context, conn *sql.Conn) error {
	return keycheck.Verify(ctx, keyTable{conn: conn, now: ts(s.Now())}, s.sealer)
}
