package inbound_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/inbound"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/checkr"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
)

// A host mounts the Receiver, shows each integration's URL to the admin
// (who gives it to Checkr), and receives Checkr's signed report events,
// once each however often Checkr sends them.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "inbound-example")
	defer os.RemoveAll(dir)
	key, _ := secret.GenerateKey("k1")
	ring, _ := secret.NewKeyring(key)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	host, _ := providers.NewHost(nil)
	defer host.Close()
	_ = host.Register(checkr.Name, checkr.New(nil))
	mgr, _ := integration.New(&integration.Config{Store: store, Providers: host, NoHealthCheckScheduler: true})

	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	rcv, err := inbound.New(&inbound.Config{Manager: mgr, Providers: host, BaseURL: srv.URL + "/api/webhooks",
		OnEvents: func(_ context.Context, b *inbound.Batch) error {
			for _, ev := range b.Events {
				fmt.Println("host received", ev.Type)
			}
			return nil
		}})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("POST /api/webhooks/{provider}/{token}", rcv)

	org := uuid.New()
	settings, _ := json.Marshal(map[string]string{checkr.FieldAPIKey: "test_key"})
	in, _ := store.IntegrationCreate(ctx, &storage.IntegrationCreateParams{OrganizationID: org,
		Type: integration.TypeBackgroundChecks, Provider: checkr.Name, Name: "Checkr", Config: settings})
	ep, _ := rcv.Endpoint(ctx, org, in.ID) // ep.URL is what the admin gives Checkr

	body := []byte(`{"id":"evt_1","type":"report.completed","created_at":"` + time.Now().UTC().Format(time.RFC3339) +
		`","data":{"object":{"id":"rpt_1","object":"report","status":"complete","result":"clear"}}}`)
	for range 2 { // Checkr sends it twice
		req, _ := http.NewRequest(http.MethodPost, ep.URL, bytes.NewReader(body))
		req.Header.Set(checkr.SignatureHeader, checkr.Sign(body, "test_key"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Print(resp.StatusCode, " ", string(answer))
	}
	// Output:
	// host received background_check.completed
	// 200 {"status":"accepted","received":1,"stored":1,"duplicates":0,"ignored":0}
	// 200 {"status":"accepted","received":1,"stored":0,"duplicates":1,"ignored":0}
}

// URL is the URL of an endpoint: the base URL the host mounts the Receiver
// under, the provider, and the endpoint's token.
func ExampleURL() {
	fmt.Println(inbound.URL("https://intime.com/api/webhooks/", "sendgrid", "q6Zb1lYdVn5qz0O2m3Vtq3mPcG9y0Xo1dV2pGx3Yk1E"))
	// Output: https://intime.com/api/webhooks/sendgrid/q6Zb1lYdVn5qz0O2m3Vtq3mPcG9y0Xo1dV2pGx3Yk1E
}
