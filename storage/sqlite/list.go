package sqlite

import (
	"context"
	"fmt"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/internal/query"
)

// list runs a keyset-paginated query over table, newest first by
// (timeCol, id), and returns one page. SQLite compares the row values
// (timeCol, id) < (?, ?) as PostgreSQL does; timestamps are fixed-width
// text, so text order is time order.
func list[T any](ctx context.Context, s *Store, q *query.Builder, cursor string, limit int,
	table, cols, timeCol string, scan func(row) (T, error), key func(T) storage.Cursor,
) (*storage.Page[T], error) {
	c, err := storage.ParseCursor(cursor)
	if err != nil {
		return nil, err
	}
	if !c.IsZero() {
		q.Where("("+timeCol+", id) < (?, ?)", ts(c.Time), c.ID.String())
	}
	n := storage.PageLimit(limit)
	text := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s DESC, id DESC LIMIT %s", cols, table, q.SQL(), timeCol, q.Arg(n+1))
	items, err := queryAll(ctx, s, text, q.Args(), scan)
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

// queryAll runs text on the read pool and scans every row.
func queryAll[T any](ctx context.Context, s *Store, text string, args []any, scan func(row) (T, error)) ([]T, error) {
	st, err := s.prepare(ctx, s.r, text)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, st, text, args...)
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
func execOne(ctx context.Context, s *Store, text string, args ...any) error {
	n, err := s.writeExec(ctx, text, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return storage.ErrNotFound
	}
	return nil
}
