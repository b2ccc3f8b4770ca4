package webhook_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
	"github.com/intimeos/integrations/webhook/webhooktest"
)

// seedHistory writes n delivery rows for webhookID straight to the store,
// in batches: every third failed, the rest successful; events alternate
// between job.created and job.updated.
func seedHistory(t testing.TB, st storage.Store, org, webhookID uuid.UUID, n int, payload string) {
	t.Helper()
	const batch = 1000
	for start := 0; start < n; start += batch {
		ps := make([]*storage.DeliveryInsertParams, 0, batch)
		for i := start; i < min(n, start+batch); i++ {
			status, typ := storage.DeliverySuccess, webhook.EventJobCreated
			if i%3 == 0 {
				status = storage.DeliveryFailed
			}
			if i%2 == 1 {
				typ = webhook.EventJobUpdated
			}
			ps = append(ps, &storage.DeliveryInsertParams{OrganizationID: org, WebhookID: webhookID, EventType: typ,
				Payload: json.RawMessage(payload), Status: status})
		}
		_, err := st.DeliveryInsert(context.Background(), ps)
		require.NoError(t, err)
	}
}

// TestDeliveryExport checks both formats against the history they
// export: the same rows, newest first, with the history's filters, every
// column, and CSV cells that a spreadsheet would run defused.
func TestDeliveryExport(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		s := b.subscribe(t, "export", webhook.EventJobCreated, webhook.EventJobUpdated)
		other := b.subscribe(t, "other")
		seedHistory(t, b.store, b.org, s.ID, 2500, `{"job_id":"JOB-1","note":"a, \"quoted\"\nline"}`)
		seedHistory(t, b.store, b.org, other.ID, 10, `{}`)
		seedHistory(t, b.store, newOrg(), s.ID, 0, `{}`)
		rows, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{{OrganizationID: b.org, WebhookID: s.ID,
			EventType: webhook.EventJobCreated, Payload: json.RawMessage(`{}`), Status: storage.DeliveryFailed}})
		require.NoError(t, err)
		code := 500
		_, err = b.store.DeliveryUpdate(b.ctx, &storage.DeliveryUpdateParams{OrganizationID: b.org, ID: rows[0].ID,
			ErrorMessage: ptrTo("=HYPERLINK(\"http://evil\")"), ResponseStatus: &code, ResponseBody: ptrTo("-1+2")})
		require.NoError(t, err)

		filter := &storage.DeliveryListParams{OrganizationID: b.org, WebhookID: s.ID, EventType: webhook.EventJobCreated,
			Statuses: []storage.DeliveryStatus{storage.DeliveryFailed}, Limit: 7, Cursor: "ignored"}
		want := allDeliveries(t, b, filter)
		require.Len(t, want, 418, "1 in 6 of the 2,500 rows, and the row added")

		var buf bytes.Buffer
		n, err := b.d.DeliveryExport(b.ctx, &buf, webhook.ExportCSV, filter)
		require.NoError(t, err)
		require.Equal(t, len(want), n)
		recs, err := csv.NewReader(&buf).ReadAll()
		require.NoError(t, err)
		require.Equal(t, webhook.ExportColumns, recs[0])
		require.Len(t, recs, len(want)+1)
		for i, d := range want {
			require.Equal(t, d.ID.String(), recs[i+1][0], "row %d: same rows, same order", i)
			require.Equal(t, "failed", recs[i+1][6])
		}
		first := recs[1]
		require.Equal(t, rows[0].ID.String(), first[0], "newest first")
		require.Equal(t, "'=HYPERLINK(\"http://evil\")", first[11], "a formula is defused")
		require.Equal(t, "'-1+2", first[13])
		require.Equal(t, "500", first[8])
		require.Equal(t, `{"job_id":"JOB-1","note":"a, \"quoted\"\nline"}`, recs[2][14], "the payload survives quoting")

		buf.Reset()
		n, err = b.d.DeliveryExport(b.ctx, &buf, webhook.ExportNDJSON, filter)
		require.NoError(t, err)
		require.Equal(t, len(want), n)
		sc := bufio.NewScanner(&buf)
		i := 0
		for sc.Scan() {
			var r webhook.ExportRow
			require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
			require.Equal(t, want[i].ID, r.ID)
			require.Equal(t, want[i].EventID, r.EventID)
			require.JSONEq(t, string(want[i].Payload), string(r.Payload))
			i++
		}
		require.Equal(t, len(want), i, "one line per row")

		buf.Reset()
		n, err = b.d.DeliveryExport(b.ctx, &buf, webhook.ExportCSV, &storage.DeliveryListParams{OrganizationID: newOrg()})
		require.NoError(t, err)
		require.Zero(t, n)
		require.Equal(t, strings.Join(webhook.ExportColumns, ",")+"\n", buf.String(), "an empty export has its header")

		_, err = b.d.DeliveryExport(b.ctx, &buf, "xml", filter)
		require.ErrorContains(t, err, `export format "xml"`)
		_, err = b.d.DeliveryExport(b.ctx, failingWriter{}, webhook.ExportNDJSON, filter)
		require.ErrorIs(t, err, errDiskFull, "a writer's failure ends the export")
		ctx, cancel := context.WithCancel(b.ctx)
		cancel()
		_, err = b.d.DeliveryExport(ctx, &buf, webhook.ExportNDJSON, filter)
		require.ErrorIs(t, err, context.Canceled)
	})
}

// allDeliveries lists every row a filter selects, following the cursors.
func allDeliveries(t *testing.T, b *bundle, filter *storage.DeliveryListParams) []*storage.Delivery {
	t.Helper()
	p := *filter
	p.Limit, p.Cursor = storage.LimitMax, ""
	var out []*storage.Delivery
	for {
		page, err := b.store.DeliveryList(b.ctx, &p)
		require.NoError(t, err)
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		p.Cursor = page.Next
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func ptrTo[T any](v T) *T { return &v }

// TestDeliveryReplayFailed checks "Replay Failed" over the history's
// filter: each selected event whose latest attempt failed or was
// dead-lettered is replayed once, with its payload; the others are not.
func TestDeliveryReplayFailed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		s := b.subscribe(t, "replay", webhook.EventJobCreated, webhook.EventJobUpdated)
		other := b.subscribe(t, "other")
		row := func(w uuid.UUID, typ string, event uuid.UUID, status storage.DeliveryStatus) *storage.Delivery {
			rs, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{{OrganizationID: b.org, WebhookID: w,
				EventID: event, EventType: typ, Payload: json.RawMessage(`{"n":"` + event.String() + `"}`), Status: status}})
			require.NoError(t, err)
			return rs[0]
		}
		failedOnce, recovered, dead, updated, elsewhere := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
		row(s.ID, webhook.EventJobCreated, failedOnce, storage.DeliveryFailed)
		row(s.ID, webhook.EventJobCreated, recovered, storage.DeliveryFailed)
		row(s.ID, webhook.EventJobCreated, recovered, storage.DeliverySuccess)
		d := row(s.ID, webhook.EventJobCreated, dead, storage.DeliveryFailed)
		row(s.ID, webhook.EventJobCreated, dead, storage.DeliveryDLQ)
		_, err := b.store.DLQAdd(b.ctx, &storage.DLQAddParams{OrganizationID: b.org, WebhookID: s.ID, DeliveryID: d.ID, Reason: "x"})
		require.NoError(t, err)
		row(s.ID, webhook.EventJobUpdated, updated, storage.DeliveryFailed)
		row(other.ID, webhook.EventJobCreated, elsewhere, storage.DeliveryFailed)

		filter := &storage.DeliveryListParams{OrganizationID: b.org, WebhookID: s.ID, EventType: webhook.EventJobCreated}
		n, err := b.d.DeliveryReplayFailed(b.ctx, filter, true)
		require.NoError(t, err)
		require.Equal(t, 2, n, "dry run: the event that failed and the dead one; not the recovered one")
		require.Empty(t, pending(t, b), "a dry run replays nothing")

		n, err = b.d.DeliveryReplayFailed(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org,
			Statuses: []storage.DeliveryStatus{storage.DeliverySuccess}}, false)
		require.NoError(t, err)
		require.Zero(t, n, "a filter on successful rows selects nothing to replay")

		n, err = b.d.DeliveryReplayFailed(b.ctx, filter, false)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		got := pending(t, b)
		require.ElementsMatch(t, []uuid.UUID{failedOnce, dead}, eventsOf(got))
		for _, p := range got {
			require.JSONEq(t, `{"n":"`+p.EventID.String()+`"}`, string(p.Payload), "the same payload")
		}
		count, err := b.d.DLQCount(b.ctx, b.org, uuid.Nil)
		require.NoError(t, err)
		require.Zero(t, count, "the replayed event left the DLQ")

		n, err = b.d.DeliveryReplayFailed(b.ctx, &storage.DeliveryListParams{OrganizationID: b.org, EventID: updated}, false)
		require.NoError(t, err)
		require.Equal(t, 1, n, "a filter on one event replays that event")
		n, err = b.d.DeliveryReplayFailed(b.ctx, filter, false)
		require.NoError(t, err)
		require.Zero(t, n, "the replayed events are pending now, not failed")
	})
}

func pending(t *testing.T, b *bundle) []*storage.Delivery {
	t.Helper()
	return allDeliveries(t, b, &storage.DeliveryListParams{OrganizationID: b.org,
		Statuses: []storage.DeliveryStatus{storage.DeliveryPending}})
}

func eventsOf(ds []*storage.Delivery) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.EventID)
	}
	return out
}

// TestDLQCountAndAlert checks the §13 count and the DLQ alert: raised by
// dead letters with "Current DLQ items: N", bumped while items remain,
// resolved once the queue is empty, and scoped by organization.
func TestDLQCountAndAlert(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		s := b.subscribe(t, "dlq")
		dead := func(org, w uuid.UUID, n int) {
			for range n {
				rs, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{{OrganizationID: org, WebhookID: w,
					EventType: webhook.EventJobCreated, Payload: json.RawMessage(`{}`), Status: storage.DeliveryDLQ}})
				require.NoError(t, err)
				_, err = b.store.DLQAdd(b.ctx, &storage.DLQAddParams{OrganizationID: org, WebhookID: w, DeliveryID: rs[0].ID, Reason: "x"})
				require.NoError(t, err)
			}
		}
		dead(b.org, s.ID, 3)
		n, err := b.d.DLQCount(b.ctx, b.org, uuid.Nil)
		require.NoError(t, err)
		require.Equal(t, 3, n)

		a, err := b.d.DLQAlertCheck(b.ctx, b.org)
		require.NoError(t, err)
		require.Equal(t, "Current DLQ items: 3", a.Message)
		require.Equal(t, webhook.DLQAlertImpact, a.Impact)
		require.Equal(t, storage.AlertOpen, a.Status)
		dead(b.org, s.ID, 1)
		a2, err := b.d.DLQAlertCheck(b.ctx, b.org)
		require.NoError(t, err)
		require.Equal(t, a.ID, a2.ID, "one open alert, bumped")
		require.Equal(t, 2, a2.Count)
		require.Equal(t, "Current DLQ items: 4", a2.Message)

		_, err = b.d.DLQClear(b.ctx, b.org, uuid.Nil)
		require.NoError(t, err)
		a3, err := b.d.DLQAlertCheck(b.ctx, b.org)
		require.NoError(t, err)
		require.Nil(t, a3)
		got, err := b.store.AlertGet(b.ctx, b.org, a.ID)
		require.NoError(t, err)
		require.Equal(t, storage.AlertResolved, got.Status, "an empty queue resolves the alert")

		otherOrg := newOrg()
		n, err = b.d.DLQCount(b.ctx, otherOrg, uuid.Nil)
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

// TestDLQAlertOnDeadLetter checks that a delivery that exhausts its
// retries raises the DLQ alert through Config.Alerts, and still reaches
// the host's own OnDeadLetter.
func TestDLQAlertOnDeadLetter(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		alerts := &recordingAlerts{}
		hooked := make(chan *webhook.DeadLetter, 1)
		cfg := fastConfig(nil, testPolicy(1))
		cfg.Alerts = alerts
		cfg.OnDeadLetter = func(_ context.Context, dl *webhook.DeadLetter) { hooked <- dl }
		b := setup(t, be, cfg)
		b.rcv.SetDefault(webhooktest.Fail(400)) // not retried: dead-lettered at once
		s := b.subscribe(t, "dies")
		b.publish(t, webhook.EventJobCreated, map[string]string{"job_id": "J"})
		b.start(t)
		select {
		case dl := <-hooked:
			require.Equal(t, s.ID, dl.WebhookID)
		case <-time.After(30 * time.Second):
			t.Fatal("no dead letter")
		}
		raised := alerts.all()
		require.Len(t, raised, 1)
		require.Equal(t, webhook.DLQAlertKey, raised[0].DedupKey)
		require.Equal(t, b.org, raised[0].OrganizationID)
		require.Equal(t, fmt.Sprintf("Current DLQ items: %d", 1), raised[0].Message)
		stored, err := b.store.AlertList(b.ctx, &storage.AlertListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Empty(t, stored.Items, "a Config.Alerts takes the store's place")
	})
}

// recordingAlerts is an alert engine that records what it is given.
type recordingAlerts struct {
	mu     sync.Mutex
	raised []*storage.AlertRaiseParams
}

func (r *recordingAlerts) AlertRaise(_ context.Context, p *storage.AlertRaiseParams) (*storage.Alert, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.raised = append(r.raised, p)
	return &storage.Alert{OrganizationID: p.OrganizationID, DedupKey: p.DedupKey, Message: p.Message}, nil
}

func (r *recordingAlerts) all() []*storage.AlertRaiseParams {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*storage.AlertRaiseParams(nil), r.raised...)
}
