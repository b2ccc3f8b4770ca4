package apiaccess_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
)

// exampleStore opens a SQLite store in a temporary directory.
func exampleStore(ctx context.Context) (storage.Store, func()) {
	dir, err := os.MkdirTemp("", "apiaccess-example")
	if err != nil {
		panic(err)
	}
	key, err := secret.GenerateKey("k1")
	if err != nil {
		panic(err)
	}
	ring, err := secret.NewKeyring(key)
	if err != nil {
		panic(err)
	}
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		panic(err)
	}
	return store, func() { _ = store.Close(); _ = os.RemoveAll(dir) }
}

// The host mounts its API behind the middleware: a token of the
// organization reaches the handler, which reads who called.
func Example() {
	ctx := context.Background()
	store, done := exampleStore(ctx)
	defer done()
	svc, err := apiaccess.New(store, nil)
	if err != nil {
		panic(err)
	}
	if err := svc.Start(ctx); err != nil {
		panic(err)
	}
	defer svc.Stop(ctx)

	mux := http.NewServeMux()
	mux.Handle("GET /api/jobs/{id}", apiaccess.RequireScopes("jobs:read")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := apiaccess.PrincipalFrom(r.Context())
		fmt.Fprintf(w, "job %s for token %q", r.PathValue("id"), p.TokenName)
	})))
	api := svc.Middleware(mux)

	tok, err := svc.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: uuid.New(), Name: "ATS sync",
		Scopes: []string{"jobs:read"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(tok.Secret, "itk_"), len(tok.Secret), strings.HasSuffix(tok.Masked, "••••••••"))

	for _, auth := range []string{"Bearer " + tok.Secret, ""} {
		r := httptest.NewRequest(http.MethodGet, "/api/jobs/42", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		api.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get(apiaccess.HeaderLimit), strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// true 40 true
	// 200 100 job 42 for token "ATS sync"
	// 401  {"error":"token_missing","message":"Authentication failed. Please check credentials.","detail":"Send an API token in the Authorization header: Bearer \u003ctoken\u003e."}
}

// Rotating with a grace period keeps the old token working until the
// period ends; without one, the old token is refused at once.
func ExampleService_TokenRotate() {
	ctx := context.Background()
	store, done := exampleStore(ctx)
	defer done()
	svc, err := apiaccess.New(store, nil)
	if err != nil {
		panic(err)
	}
	defer svc.Stop(ctx)
	org := uuid.New()
	old, err := svc.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: org, Name: "Payroll export"})
	if err != nil {
		panic(err)
	}
	repl, err := svc.TokenRotate(ctx, org, old.ID, &apiaccess.TokenRotateOpts{Grace: 24 * time.Hour})
	if err != nil {
		panic(err)
	}
	tokens, err := svc.TokenList(ctx, org)
	if err != nil {
		panic(err)
	}
	for _, t := range tokens {
		fmt.Println(t.Name, t.Status, "expires in", time.Until(*t.ExpiresAt).Round(time.Hour), t.ID == repl.ID)
	}
	// Output:
	// Payroll export active expires in 2160h0m0s true
	// Payroll export rotating expires in 24h0m0s false
}

// Usage adds up what the middleware recorded: §7's panel.
func ExampleService_Usage() {
	ctx := context.Background()
	store, done := exampleStore(ctx)
	defer done()
	svc, err := apiaccess.New(store, nil)
	if err != nil {
		panic(err)
	}
	defer svc.Stop(ctx)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/jobs/list", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /api/candidates/search", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad query", http.StatusBadRequest)
	})
	api := svc.Middleware(mux)
	org := uuid.New()
	tok, err := svc.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: org, Name: "Reporting"})
	if err != nil {
		panic(err)
	}
	for i, path := range []string{"/api/jobs/list", "/api/jobs/list", "/api/jobs/list", "/api/candidates/search"} {
		r := httptest.NewRequest(http.MethodGet, path+"?page="+fmt.Sprint(i), nil)
		r.Header.Set("Authorization", "Bearer "+tok.Secret)
		api.ServeHTTP(httptest.NewRecorder(), r)
	}
	if err := svc.Flush(ctx); err != nil { // the background loop does this every second
		panic(err)
	}
	u, err := svc.Usage(ctx, &apiaccess.UsageParams{OrganizationID: org})
	if err != nil {
		panic(err)
	}
	fmt.Printf("total %d, success %d (%.1f%%), client errors %d (%.1f%%)\n", u.Total, u.Success, u.SuccessPct, u.ClientErrors, u.ClientErrorPct)
	for _, e := range u.TopEndpoints {
		fmt.Printf("%s - %d requests\n", e.Route, e.Total)
	}
	fmt.Printf("current: %d req/hour of %d\n", u.Limits[0].Used, u.Limits[0].Max)
	// Output:
	// total 4, success 3 (75.0%), client errors 1 (25.0%)
	// GET /api/jobs/list - 3 requests
	// GET /api/candidates/search - 1 requests
	// current: 4 req/hour of 10000
}

// ParseToken tells a token from a look-alike without a lookup.
func ExampleParseToken() {
	fmt.Println(apiaccess.ParseToken("itk_NUUIQES0QsgjGFeE0IJqLg9ylcJ1oE0083OY"))
	fmt.Println(apiaccess.ParseToken("itk_NUUIQES0QsgjGFeE0IJqLg9ylcJ1oE0083OX"))
	// Output:
	// <nil>
	// apiaccess: malformed API token (checksum)
}
