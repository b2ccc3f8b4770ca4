package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// SQLite copies the write-ahead log back into the database file in a
// checkpoint. By default the commit that takes the log past 1,000 pages
// runs it, fsyncs included, and that commit's caller waits: a publish
// measured 0.5 ms at the median and 6 to 7 ms at the 99th percentile, the
// checkpoints. A Store made by [Open] checkpoints in the background
// instead, on a connection of its own, and its writer checkpoints only as
// a backstop, when the log has grown past writerCheckpointPages (the
// background is behind).
const (
	// checkpointEvery is how often the background checkpoint runs. A
	// PASSIVE checkpoint waits for no one, and costs nothing when the log
	// has no new pages.
	checkpointEvery = 250 * time.Millisecond
	// writerCheckpointPages is the writer's wal_autocheckpoint: about
	// 40 MB of log with 4 KiB pages.
	writerCheckpointPages = 10000
)

// checkpointer runs the background checkpoints of a Store made by Open.
type checkpointer struct {
	db   *sql.DB
	stop context.CancelFunc
	done chan struct{}
}

// startCheckpointer opens a one-connection pool on the file and starts
// checkpointing through it.
func (s *Store) startCheckpointer(path string) error {
	db, err := sql.Open(DriverName, DSN(path))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{db: db, stop: stop, done: make(chan struct{})}
	s.ckpt = c
	go c.run(ctx, s)
	return nil
}

func (c *checkpointer) run(ctx context.Context, s *Store) {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := c.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil && ctx.Err() == nil {
			s.logger.Warn("sqlite: background checkpoint", "err", err)
		}
	}
}

// close stops the checkpoints and closes their connection.
func (c *checkpointer) close() error {
	c.stop()
	<-c.done
	return c.db.Close()
}
