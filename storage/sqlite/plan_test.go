package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/secret"
)

// TestQueuePlans pins the index each rare queue statement uses. SQLite has
// no statistics here, and with them missing it prefers the status index to
// anything else: a release of 20 rows walked all 30,000 pending rows of a
// backlog (5.7 ms instead of 60 µs), and the reaper walked them every
// ReapInterval. Retention, also every ReapInterval, read the whole table
// under the write lock.
func TestQueuePlans(t *testing.T) {
	ctx := context.Background()
	key, err := secret.GenerateKey("plan")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(key)
	require.NoError(t, err)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"), &Config{Sealer: ring})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })

	ids := make([]uuid.UUID, 20)
	for i := range ids {
		ids[i] = uuid.New()
	}
	release, args := releaseSQL(uuid.New(), ids)
	require.Equal(t, []string{"SEARCH webhook_deliveries USING INDEX sqlite_autoindex_webhook_deliveries_1 (id=?)"},
		queryPlan(t, s, release, args...), "release looks the rows up by primary key")
	plan := queryPlan(t, s, reapSQL, ts(time.Now()))
	require.Len(t, plan, 1)
	require.True(t, strings.HasPrefix(plan[0], "SEARCH webhook_deliveries USING INDEX idx_webhook_deliveries_lease"), plan[0])
	plan = queryPlan(t, s, deleteBeforeSQL, ts(time.Now()), 10)
	require.Contains(t, plan, "SEARCH x USING INDEX idx_webhook_deliveries_org_created (organization_id=? AND created_at<?)",
		"retention reads each organization's old rows, not the table: %q", plan)
	for _, step := range plan {
		require.NotContains(t, step, "SCAN d", "retention reads each organization's old rows, not the table: %q", plan)
	}
}

// queryPlan returns the details of EXPLAIN QUERY PLAN for text.
func queryPlan(t *testing.T, s *Store, text string, args ...any) []string {
	t.Helper()
	rows, err := s.w.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+text, args...)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		out = append(out, detail)
	}
	require.NoError(t, rows.Err())
	return out
}
