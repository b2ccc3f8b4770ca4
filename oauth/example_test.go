package oauth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
)

func ExampleSettings_Validate() {
	s := oauth.Settings{Provider: oauth.ProviderGoogle, ClientID: "123456789-abc123.apps.googleusercontent.com"}
	fmt.Println(s.Validate())
	// Output: oauth: clientSecret: Client secret is required; scopes: Please select at least one permission scope
}

func ExampleRedirectURI() {
	fmt.Println(oauth.RedirectURI("https://app.intime.com", oauth.ProviderGoogle))
	// Output: https://app.intime.com/oauth/callback/google
}

// ExampleConnector_Start starts connecting a Microsoft account for an
// integration stored on SQLite.
func ExampleConnector_Start() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "oauth-example")
	defer os.RemoveAll(dir)
	k, _ := secret.GenerateKey("k1")
	ring, _ := secret.NewKeyring(k)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	cfg, _ := json.Marshal(&oauth.Settings{
		Provider: oauth.ProviderMicrosoft, Tenant: "contoso.onmicrosoft.com",
		ClientID: "7f3c1a52-0d1e-4b8e-9a61-2b1c0c5d9e10", ClientSecret: "from-the-admin-form",
		Scopes: []string{"https://graph.microsoft.com/Calendars.ReadWrite"},
	})
	org := uuid.New()
	in, _ := store.IntegrationCreate(ctx, &storage.IntegrationCreateParams{
		OrganizationID: org, Type: "calendar", Provider: oauth.ProviderMicrosoft, Name: "Outlook", Config: cfg,
	})
	conn, _ := oauth.New(store, &oauth.Config{BaseURL: "https://app.intime.com"})
	a, err := conn.Start(ctx, &oauth.StartParams{OrganizationID: org, IntegrationID: in.ID})
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse(a.URL)
	q := u.Query()
	fmt.Println(u.Host + u.Path)
	fmt.Println(q.Get("scope"))
	fmt.Println(q.Get("redirect_uri"))
	fmt.Println(q.Get("code_challenge_method"))
	// Output:
	// login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize
	// https://graph.microsoft.com/Calendars.ReadWrite offline_access
	// https://app.intime.com/oauth/callback/microsoft
	// S256
}

// ExampleConnector_Status reads a Google connection's state: not connected,
// then connected by a token response that held no refresh token.
func ExampleConnector_Status() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	dir, _ := os.MkdirTemp("", "oauth-example")
	defer os.RemoveAll(dir)
	k, _ := secret.GenerateKey("k1")
	ring, _ := secret.NewKeyring(k)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring, Clock: clock})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	cfg, _ := json.Marshal(&oauth.Settings{
		Provider: oauth.ProviderGoogle, ClientID: "123456789-abc123.apps.googleusercontent.com",
		ClientSecret: "from-the-admin-form", Scopes: []string{"https://www.googleapis.com/auth/calendar"},
	})
	org := uuid.New()
	in, _ := store.IntegrationCreate(ctx, &storage.IntegrationCreateParams{
		OrganizationID: org, Type: "calendar", Provider: oauth.ProviderGoogle, Name: "Calendar", Config: cfg,
	})
	conn, _ := oauth.New(store, &oauth.Config{BaseURL: "https://app.intime.com", Clock: clock})

	st, _ := conn.Status(ctx, org, in.ID)
	fmt.Println(st.State, st.Connected())

	exp := now.Add(time.Hour) // what Callback stores from a response without refresh_token
	_, _ = store.OAuthTokenCreate(ctx, &storage.OAuthTokenCreateParams{OrganizationID: org, IntegrationID: in.ID,
		AccessToken: "ya29.example", ExpiresAt: &exp, Scope: "https://www.googleapis.com/auth/calendar"})
	st, _ = conn.Status(ctx, org, in.ID)
	fmt.Println(st.State, st.Connected(), st.Scopes)
	fmt.Println(st.Message)
	// Output:
	// not_connected false
	// no_refresh_token true [https://www.googleapis.com/auth/calendar]
	// No refresh token: your Google connection will need a reconnect at 2026-03-02 10:00:00 UTC; connect again; if Google still issues none, remove the app's access in the Google account's security settings first
}
