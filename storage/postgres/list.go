package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

// list runs a keyset-paginated query over table, newest first by
// (timeCol, id), and returns one page.
func list[T any](ctx context.Context, s *Store, q *query.Builder, cursor string, limit int,
	table, cols, timeCol string, scan func(pgx.Row) (T, error), key func(T) storage.Cursor,
) (*storage.Page[T], error) {
	c, err := storage.ParseCursor(cursor)
	if err != nil {
		return nil, err
	}
	if !c.IsZero() {
		q.Where("("+timeCol+", id) < (?, ?)", c.Time, c.ID)
	}
	n := storage.PageLimit(limit)
	sql := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s DESC, id DESC LIMIT %d", cols, table, q.SQL(), timeCol, n+1)
	items, err := queryAll(ctx, s, sql, q.Args(), scan)
	if err != nil {
		return nil, err
	}
	page := &storage.Page[T]{Items: items}
	if len(items) > n {
		page.Items = items[:n]
		page.Next = key(items[n-1]).String()
	}
	return page, nil
}

// queryAll runs sql and scans every row.
func queryAll[T any](ctx context.Context, s *Store, sql string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// execOne runs a statement that must affect exactly one row; none is
// [storage.ErrNotFound].
func execOne(ctx context.Context, s *Store, sql string, args ...any) error {
	tag, err := s.db.Exec(ctx, sql, args...)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return storage.ErrNotFound
	}
	return nil
}
