package zapier_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/apiaccess/zapier"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage/sqlite"
	"github.com/intimeos/integrations/webhook"
)

// The host mounts the Zapier endpoints; Zapier calls them with an API
// token that holds the "zapier" scope.
func ExampleNew() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "zapier-example")
	defer os.RemoveAll(dir)
	key, _ := secret.GenerateKey("k1")
	ring, _ := secret.NewKeyring(key)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	svc, _ := apiaccess.New(store, nil)
	defer svc.Stop(ctx)
	d, _ := webhook.New(store, nil) // d.Start(ctx) delivers; not needed to subscribe
	defer d.Stop(ctx)
	zh, err := zapier.New(svc, d, store, nil)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/zapier/", zh)

	tok, _ := svc.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: uuid.New(), Name: "Zapier",
		Scopes: []string{zapier.Scope}})
	call := func(method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tok.Secret)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	var me zapier.Me
	w := call(http.MethodGet, "/zapier/me", "")
	_ = json.Unmarshal(w.Body.Bytes(), &me)
	fmt.Println(w.Code, me.TokenName)

	var hook zapier.Hook
	w = call(http.MethodPost, "/zapier/hooks", `{"target_url":"https://hooks.zapier.com/hooks/standard/1/abc","event":"job.created"}`)
	_ = json.Unmarshal(w.Body.Bytes(), &hook)
	fmt.Println(w.Code, hook.Event, hook.Status, hook.Secret != "")

	w = call(http.MethodDelete, "/zapier/hooks/"+hook.ID, "")
	fmt.Println(w.Code)
	// Output:
	// 200 Zapier
	// 201 job.created active true
	// 200
}
