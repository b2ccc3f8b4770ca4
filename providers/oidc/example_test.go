package oidc_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/oidc"
	"github.com/intimeos/integrations/providers/sso"
)

// The settings form's rules answer with the spec's messages, one per
// field.
func ExampleProvider_Validate() {
	err := oidc.New(nil).Validate(context.Background(), providers.Settings{
		oidc.FieldPreset:   oidc.PresetAuth0,
		oidc.FieldDomain:   "https://acme.us.auth0.com",
		oidc.FieldClientID: "abc/def",
	})
	var ve *providers.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Field, f.Message)
		}
	}
	// Output:
	// domain: Please enter a domain only, such as dev-123456.okta.com or acme.us.auth0.com
	// clientId: Client ID format is invalid
	// clientSecret: Client secret is required
}

// A host wires the sign-in into two handlers: the start keeps the sealed
// flow in a cookie and redirects to the identity provider; the callback
// completes the sign-in with the cookie and the query. inst is the
// organization's SSO integration (an instance, or a failover group).
func Example_hostHandlers() {
	inst := providers.NewInstance(oidc.DisplayName, oidc.New(nil), providers.Settings{
		oidc.FieldPreset: oidc.PresetOkta, oidc.FieldDomain: "dev-123456.okta.com",
		oidc.FieldClientID: "0oa1b2c3d4e5f6g7h8i9", oidc.FieldClientSecret: "from the integration's sealed config",
	}, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sso/start", func(w http.ResponseWriter, r *http.Request) {
		a, err := sso.Authorize(r.Context(), inst, &sso.AuthorizeRequest{RedirectURI: "https://app.example.com/sso/callback"})
		if err != nil {
			http.Error(w, providers.UserMessage(err, oidc.DisplayName), http.StatusBadGateway)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sso_flow", Value: a.Flow, Path: "/sso/", Expires: a.ExpiresAt,
			HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, a.URL, http.StatusFound)
	})
	mux.HandleFunc("GET /sso/callback", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sso_flow")
		if err != nil {
			http.Error(w, "no sign-in in progress", http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "sso_flow", Path: "/sso/", MaxAge: -1})
		id, err := sso.Complete(r.Context(), inst, &sso.CompleteRequest{Flow: c.Value, Query: r.URL.RawQuery})
		if err != nil {
			http.Error(w, providers.UserMessage(err, oidc.DisplayName), http.StatusForbidden)
			return
		}
		// Start the host's own session for id.Issuer and id.Subject here,
		// and keep id.Session with it for the logout.
		fmt.Fprintf(w, "signed in as %s", id.Email)
	})
	_ = mux
}
