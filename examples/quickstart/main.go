// Command quickstart opens the embedded SQLite store, migrates it, writes an
// integration, a webhook subscription and a pending delivery, and prints
// what it created, with secrets masked. It is the smallest complete wiring
// of the storage layer.
//
// Usage:
//
//	INTIME_SECRET_KEY=$(openssl rand -base64 32) go run ./examples/quickstart [-db path]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	dbPath := fs.String("db", "", "SQLite database file (default: a new file in a temporary directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ring, err := secret.KeyringFromEnv("INTIME_SECRET_KEY")
	if err != nil {
		return err
	}
	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "intime-quickstart-")
		if err != nil {
			return err
		}
		*dbPath = filepath.Join(dir, "intime.db")
	}
	store, err := sqlite.Open(ctx, *dbPath, &sqlite.Config{Sealer: ring})
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(out, "opened and migrated %s\n", *dbPath)
	return seed(ctx, store, out)
}

// seed writes one row of each kind a host starts with and prints them.
func seed(ctx context.Context, s storage.Store, out io.Writer) error {
	org := uuid.New()
	it, err := s.IntegrationCreate(ctx, &storage.IntegrationCreateParams{
		OrganizationID: org, Type: "email", Provider: "sendgrid", Name: "Transactional email",
		Config: json.RawMessage(`{"smtpHost":"smtp.sendgrid.net","smtpPort":587,"smtpUsername":"apikey","smtpPassword":"SG.example-secret"}`),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "integration %s: %s (%s) status=%s\n", it.ID, it.Name, it.Provider, it.Status)
	wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{
		OrganizationID: org, Name: "Job Created - Zapier", URL: "https://hooks.zapier.com/hooks/catch/1/abc",
		Secret: "3q2+7wQ7yG0aZp1bX9cKdLmNoPqRsTuV", Events: []string{"job.created"},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "webhook %s: %q -> %s events=%v secret=%s\n", wh.ID, wh.Name, wh.URL, wh.Events, secret.Mask(wh.Secret))
	ds, err := s.DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{
		OrganizationID: org, WebhookID: wh.ID, EventType: "job.created",
		Payload: json.RawMessage(`{"event":"job.created","data":{"job_id":"JOB-2024-1234"}}`),
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "delivery %s: %s attempt=%d status=%s\n", ds[0].ID, ds[0].EventType, ds[0].AttemptNumber, ds[0].Status)
	return nil
}
