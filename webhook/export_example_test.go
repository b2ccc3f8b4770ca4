package webhook_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
)

// "Export Logs" over the history's current filter: the failed deliveries
// of one event type, as CSV written straight to the response (here a
// strings.Builder); then "Replay Failed" over the same filter.
func ExampleDispatcher_DeliveryExport() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "webhook-export")
	defer os.RemoveAll(dir)
	key, _ := secret.GenerateKey("k1")
	ring, _ := secret.NewKeyring(key)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	d, _ := webhook.New(store, nil)
	org := uuid.New()
	sub, _ := d.SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: org, Name: "Zapier",
		URL: "https://hooks.zapier.com/hooks/catch/1", Events: []string{webhook.EventJobCreated}})
	for _, st := range []storage.DeliveryStatus{storage.DeliveryFailed, storage.DeliverySuccess, storage.DeliveryFailed} {
		_, _ = store.DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{OrganizationID: org, WebhookID: sub.ID,
			EventType: webhook.EventJobCreated, Payload: json.RawMessage(`{"job_id":"JOB-1"}`), Status: st}})
	}

	filter := &storage.DeliveryListParams{OrganizationID: org, EventType: webhook.EventJobCreated,
		Statuses: []storage.DeliveryStatus{storage.DeliveryFailed}}
	var out strings.Builder
	n, err := d.DeliveryExport(ctx, &out, webhook.ExportCSV, filter)
	if err != nil {
		panic(err)
	}
	rows, _ := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	fmt.Println(n, "rows;", "columns:", strings.Join(rows[0][4:8], ","))
	fmt.Println(rows[1][5], rows[1][6], rows[1][14])

	replayed, _ := d.DeliveryReplayFailed(ctx, filter, false)
	fmt.Println("replayed:", replayed)
	// Output:
	// 2 rows; columns: eventId,eventType,status,attempt
	// job.created failed {"job_id":"JOB-1"}
	// replayed: 2
}
