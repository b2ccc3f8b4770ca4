package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
)

// Example mounts the admin under /admin on a SQLite store, behind a host
// authorizer, and reads the event catalog through its API.
func Example() {
	dir, _ := os.MkdirTemp("", "admin-example")
	defer os.RemoveAll(dir)
	key, _ := secret.GenerateKey("dev")
	ring, _ := secret.NewKeyring(key)
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	hooks, _ := webhook.New(store, nil)

	org := uuid.New()
	h, err := admin.New(&admin.Config{
		// The host's session check: here, one organization for everyone
		// who sends the demo header, nobody else.
		Authorize: func(r *http.Request) (*admin.Principal, error) {
			if r.Header.Get("X-Demo-Admin") == "" {
				return nil, errors.New("not an admin")
			}
			return &admin.Principal{OrganizationID: org, UserID: uuid.New(), Name: "Demo"}, nil
		},
		Store:    store,
		Webhooks: hooks,
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", h)

	req := httptest.NewRequest("GET", "/admin/api/events", nil)
	req.Header.Set("X-Demo-Admin", "yes")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	var events []admin.EventType
	_ = json.Unmarshal(rec.Body.Bytes(), &events)
	fmt.Println(rec.Code, len(events), events[0].Name)

	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/admin/", nil))
	fmt.Println(rec.Code)
	// Output:
	// 200 12 job.created
	// 401
}
