package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCacheMax bounds the statement cache; statements past it run
// unprepared.
const stmtCacheMax = 256

// stmtCache keeps prepared statements per pool and SQL text. Parsing is a
// large part of a small statement's cost in SQLite, and database/sql
// re-prepares a cached statement only once per connection.
type stmtCache struct {
	mu sync.Mutex
	m  map[stmtKey]*sql.Stmt
}

type stmtKey struct {
	db  *sql.DB
	sql string
}

// prepare returns the prepared statement for query on db, or nil when the
// cache is full or the Store runs in the caller's transaction. It must not be called inside a write transaction: with one
// write connection, preparing would wait for the transaction forever.
func (s *Store) prepare(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if s.tx != nil {
		return nil, nil
	}
	c := s.stmts
	k := stmtKey{db: db, sql: query}
	c.mu.Lock()
	st, ok := c.m[k]
	full := len(c.m) >= stmtCacheMax
	c.mu.Unlock()
	if ok || full {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, mapErr(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[k]; ok {
		_ = st.Close()
		return prev, nil
	}
	if c.m == nil {
		c.m = map[stmtKey]*sql.Stmt{}
	}
	c.m[k] = st
	return st, nil
}

// closeStmts closes the cached statements.
func (s *Store) closeStmts() {
	c := s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, st := range c.m {
		_ = st.Close()
		delete(c.m, k)
	}
}

// txQueryRow runs a prepared (or, past the cache, plain) query in tx.
func txQueryRow(ctx context.Context, tx *sql.Tx, st *sql.Stmt, query string, args ...any) *sql.Row {
	if st == nil {
		return tx.QueryRowContext(ctx, query, args...)
	}
	return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

// txStmt returns st bound to tx, or query prepared on tx when st is nil;
// done releases it.
func txStmt(ctx context.Context, tx *sql.Tx, st *sql.Stmt, query string) (stmt *sql.Stmt, done func(), err error) {
	if st != nil {
		stmt = tx.StmtContext(ctx, st)
	} else if stmt, err = tx.PrepareContext(ctx, query); err != nil {
		return nil, nil, mapErr(err)
	}
	return stmt, func() { _ = stmt.Close() }, nil
}

// query runs a query on the read pool, or in the caller's transaction.
func (s *Store) query(ctx context.Context, st *sql.Stmt, query string, args ...any) (*sql.Rows, error) {
	switch {
	case s.tx != nil:
		return s.tx.QueryContext(ctx, query, args...)
	case st == nil:
		return s.r.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// txExec runs a prepared (or plain) statement in tx.
func txExec(ctx context.Context, tx *sql.Tx, st *sql.Stmt, query string, args ...any) (sql.Result, error) {
	if st == nil {
		return tx.ExecContext(ctx, query, args...)
	}
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}
