package inbound_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/emailtest"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/postgres/pgtest"
	"github.com/intimeos/integrations/storage/sqlite"
)

// sameDatabase opens two stores on one database, as two hosts would.
func sameDatabase(t *testing.T, b backend) (storage.Store, storage.Store) {
	t.Helper()
	ring := newRing(t)
	var out [2]storage.Store
	switch b.name {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "intime.db")
		for i := range out {
			s, err := sqlite.Open(context.Background(), path, &sqlite.Config{Sealer: ring})
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			out[i] = s
		}
	default:
		_, dsn := pgtest.Schema(t)
		for i := range out {
			s, err := postgres.New(pgtest.PoolOn(t, dsn), &postgres.Config{Sealer: ring})
			require.NoError(t, err)
			require.NoError(t, s.Migrate(context.Background()))
			out[i] = s
		}
	}
	return out[0], out[1]
}

// TestAcrossHosts is the de-duplication across hosts: two hosts on one
// database receive the same SendGrid batch many times at once (the
// provider's retries reaching both behind a load balancer); each event is
// stored and counted once, and handed to the host at least once.
func TestAcrossHosts(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		storeA, storeB := sameDatabase(t, b)
		key := emailtest.NewWebhookKey(t)
		a := setup(t, b, &opts{store: storeA, sgKey: key})
		bb := setup(t, b, &opts{store: storeB, sgKey: key})
		in, ep := a.sendgrid(t, a.org)
		token := ep.URL[strings.LastIndex(ep.URL, "/")+1:]
		urls := []string{ep.URL, bb.srv.URL + "/api/webhooks/sendgrid/" + token}
		now := a.clock.Now()
		batch := sendgridBatch(now, "hosts")

		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			stored int
		)
		for i := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ans := post(t, urls[i%2], key.Sign(t, now, batch), batch)
				require.Equal(t, http.StatusOK, ans.status, ans.body)
				var body struct{ Stored int }
				require.NoError(t, json.Unmarshal([]byte(ans.body), &body))
				mu.Lock()
				stored += body.Stored
				mu.Unlock()
			}()
		}
		wg.Wait()
		require.Equal(t, 3, stored, "each event stored by one request of one host")
		require.Len(t, a.events(t, a.org, in.ID), 3)
		require.Equal(t, map[string]int64{"inbound.email.bounced": 1, "inbound.email.opened": 1, "inbound.email.delivered": 1},
			a.metrics(t, a.org, in.ID), "counted once across hosts")
		handed := map[uuid.UUID]bool{}
		for _, batch := range append(a.drain(), bb.drain()...) {
			for _, ev := range batch.Events {
				handed[ev.ID] = true
			}
		}
		require.Len(t, handed, 3, "every event reached a host's callback")
	})
}
