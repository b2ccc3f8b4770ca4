package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// printTableStats writes, to stderr, the row writes of the schema's tables
// that saw any: inserts, updates, HOT updates (no index touched) and
// deletes. It closes the pool first: a backend reports its counts when it
// exits.
func (db *database) printTableStats(ctx context.Context) {
	db.pool.Close()
	time.Sleep(time.Second)
	rows, err := db.admin.Query(ctx, `SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del
		FROM pg_stat_user_tables WHERE schemaname = $1 AND n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY relname`, db.schema)
	if err != nil {
		fmt.Fprintln(os.Stderr, "table stats:", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var ins, upd, hot, del int64
		if rows.Scan(&name, &ins, &upd, &hot, &del) == nil {
			fmt.Fprintf(os.Stderr, "  %-28s ins %7d upd %7d hot %7d del %7d\n", name, ins, upd, hot, del)
		}
	}
}
