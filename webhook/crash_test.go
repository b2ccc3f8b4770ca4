package webhook_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/postgres"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// Environment of the child process of TestCrashAtLeastOnce.
const (
	envChild     = "INTIME_WEBHOOK_CHILD"      // "sqlite" or "postgres"
	envChildDB   = "INTIME_WEBHOOK_CHILD_DB"   // file path or DSN
	envChildCert = "INTIME_WEBHOOK_CHILD_CERT" // PEM file of the receiver
	envChildKey  = "INTIME_WEBHOOK_CHILD_KEY"  // sealing key
)

// crashLease is the lease of the child's rows: after the kill, the new
// dispatcher takes them over once it has expired.
const crashLease = 3 * time.Second

// childMain runs a dispatcher until it is killed.
func childMain() int {
	ctx := context.Background()
	store, err := childStore(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	pem, err := os.ReadFile(os.Getenv(envChildCert))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	d, err := webhook.New(store, &webhook.Config{TLSConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		AllowAddrs: (&webhooktest.Receiver{}).AllowAddrs(), Lease: crashLease, PollInterval: 10 * time.Millisecond})
	if err == nil {
		err = d.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	select {} // until SIGKILL
}

func childStore(ctx context.Context) (storage.Store, error) {
	ring, err := parseRing(os.Getenv(envChildKey))
	if err != nil {
		return nil, err
	}
	if os.Getenv(envChild) == "sqlite" {
		s, err := sqlite.Open(ctx, os.Getenv(envChildDB), &sqlite.Config{Sealer: ring})
		return s, err
	}
	s, err := postgres.Open(ctx, os.Getenv(envChildDB), &postgres.Config{Sealer: ring})
	return s, err
}

// TestCrashAtLeastOnce kills a child process with SIGKILL in the middle of
// a burst; a new dispatcher on the same database delivers every remaining
// delivery. Counting by delivery ID at the receiver, nothing is lost.
func TestCrashAtLeastOnce(t *testing.T) {
	t.Parallel()
	const burst = 300
	for _, be := range []string{"sqlite", "postgres"} {
		t.Run(be, func(t *testing.T) {
			t.Parallel()
			key, ring := newKey(t)
			dbArg := filepath.Join(t.TempDir(), "intime.db")
			var st storage.Store
			if be == "sqlite" {
				st = openSQLiteRing(t, dbArg, ring)
			} else {
				_, dbArg = pgtestSchema(t)
				st = openPostgresRing(t, dbArg, ring)
			}
			rcv := webhooktest.NewReceiver(t)
			rcv.SetDefault(webhooktest.Timeout(20 * time.Millisecond)) // slow enough to be killed mid-burst
			d, err := webhook.New(st, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs(),
				Lease: crashLease, PollInterval: 10 * time.Millisecond, ReapInterval: 100 * time.Millisecond})
			require.NoError(t, err)
			b := &bundle{d: d, store: st, rcv: rcv, org: newOrg(), ctx: context.Background()}
			for i := range 4 {
				b.subscribe(t, fmt.Sprintf("crash%d", i))
			}
			var events []*webhook.Event
			for i := range burst / 4 {
				events = append(events, &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]int{"n": i}})
			}
			rows, err := d.PublishBatch(b.ctx, b.org, events)
			require.NoError(t, err)
			require.Len(t, rows, burst)

			certFile := filepath.Join(t.TempDir(), "cert.pem")
			require.NoError(t, os.WriteFile(certFile, rcv.CertificatePEM(), 0o600))
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envChild+"="+be, envChildDB+"="+dbArg, envChildCert+"="+certFile, envChildKey+"="+key)
			cmd.Stderr = os.Stderr
			require.NoError(t, cmd.Start())
			ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
			defer cancel()
			require.True(t, rcv.Wait(ctx, burst/5), "the child delivers part of the burst")
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			_ = cmd.Wait()
			before := rcv.Count()
			require.Less(t, before, burst, "killed mid-burst")

			require.NoError(t, d.Start(b.ctx))
			t.Cleanup(func() { require.NoError(t, d.Stop(context.Background())) })
			require.True(t, rcv.WaitDeliveries(ctx, burst), "every delivery arrives")
			seen := rcv.CountByDelivery()
			for _, r := range rows {
				require.GreaterOrEqual(t, seen[r.EventID.String()], 1, "delivery %s lost", r.EventID)
			}
			require.Eventually(t, func() bool { return allSucceeded(t, b, burst) }, 30*time.Second, 20*time.Millisecond)
			t.Logf("%s: child delivered %d before SIGKILL, %d requests in all for %d deliveries", be, before, rcv.Count(), burst)
		})
	}
}

// allSucceeded reports whether the organization's history holds n
// successful rows.
func allSucceeded(t *testing.T, b *bundle, n int) bool {
	t.Helper()
	got := 0
	p := &storage.DeliveryListParams{OrganizationID: b.org, Statuses: []storage.DeliveryStatus{storage.DeliverySuccess},
		Limit: storage.LimitMax}
	for {
		page, err := b.store.DeliveryList(b.ctx, p)
		require.NoError(t, err)
		got += len(page.Items)
		if page.Next == "" {
			return got == n
		}
		p.Cursor = page.Next
	}
}
