package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
)

func ExampleVerify() {
	secret := "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0"
	body := []byte(`{"event":"job.created","timestamp":"2024-12-04T10:30:00Z","data":{}}`)
	now := time.Date(2024, 12, 4, 10, 30, 0, 0, time.UTC)

	// What a delivery carries (computed here as the sender would).
	h := http.Header{}
	h.Set("webhook-id", "msg_1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", webhook.SignatureStandard(secret, "msg_1", now.Unix(), body))
	h.Set("X-InTime-Signature", webhook.SignatureInTime(secret, body))

	opts := &webhook.VerifyOpts{Now: func() time.Time { return now.Add(time.Minute) }}
	fmt.Println(webhook.Verify(secret, h, body, opts))
	fmt.Println(webhook.Verify(secret, h, []byte(`{"tampered":true}`), opts))
	late := &webhook.VerifyOpts{Now: func() time.Time { return now.Add(time.Hour) }}
	fmt.Println(webhook.Verify(secret, h, body, late))
	// Output:
	// <nil>
	// webhook: signature does not match
	// webhook: timestamp missing, malformed or outside the tolerance
}

func ExampleDispatcher_SubscriptionCreate() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "webhook-example")
	defer os.RemoveAll(dir)
	key, _ := secret.GenerateKey("k1")
	ring, _ := secret.NewKeyring(key)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	d, _ := webhook.New(store, nil)
	defer d.Stop(ctx)
	org := uuid.New()

	_, err = d.SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: org,
		Name: "Job Created - Zapier", URL: "http://hooks.zapier.com/hooks/catch/1"})
	var ve *webhook.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field(webhook.FieldURL))
		fmt.Println(ve.Field(webhook.FieldEvents))
	}

	sub, err := d.SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: org,
		Name: "Job Created - Zapier", URL: "https://hooks.zapier.com/hooks/catch/1",
		Events: []string{webhook.EventJobCreated}})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(sub.Secret), "characters, shown once")
	again, _ := d.SubscriptionGet(ctx, org, sub.ID)
	fmt.Println(again.Secret == "", again.SecretMasked == "••••••••"+sub.Secret[28:])
	// Output:
	// Webhook URLs must use HTTPS for security
	// Please select at least one event to subscribe to
	// 32 characters, shown once
	// true true
}

func ExampleCatalog_SamplePayload() {
	c := webhook.NewCatalog(webhook.DefaultEvents()...)
	p, _ := c.SamplePayload(webhook.EventJobUpdated, time.Date(2024, 12, 4, 10, 30, 0, 0, time.UTC))
	fmt.Println(string(p))
	// Output:
	// {"event":"job.updated","timestamp":"2024-12-04T10:30:00Z","data":{"job_id":"JOB-2024-1234","title":"Senior Java Developer","status":"active","bill_rate":85.00}}
}
