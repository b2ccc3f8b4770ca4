package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// exchange redeems the code at the token endpoint with the PKCE verifier
// (OpenID Connect Core §3.1.3.1, RFC 7636 §4.5).
func (p *Provider) exchange(ctx context.Context, st *settings, meta *metadata, code string, fl *flow) (*oauth2.Token, error) {
	cfg := p.oauthConfig(st, meta, fl.RedirectURI)
	start := p.cfg.Now()
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, p.c.HTTP), code, oauth2.VerifierOption(fl.Verifier))
	p.logToken(ctx, meta, "authorization_code", start, err)
	if err != nil {
		return nil, p.tokenError(err, st.clientSecret, code, fl.Verifier)
	}
	return tok, nil
}

// logToken records a token request: endpoint path, grant, duration and
// outcome, never the form or the answer.
func (p *Provider) logToken(ctx context.Context, meta *metadata, grant string, start time.Time, err error) {
	path := ""
	if u, perr := url.Parse(meta.TokenEndpoint); perr == nil {
		path = u.Path
	}
	attrs := []any{"method", http.MethodPost, "path", path, "grant", grant, "duration", p.cfg.Now().Sub(start)}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		attrs = append(attrs, "status", re.Response.StatusCode, "error", clip(re.ErrorCode))
	} else if err != nil {
		attrs = append(attrs, "error", "transport")
	}
	p.c.Logger.DebugContext(ctx, Name+": token request", attrs...)
}

func (p *Provider) oauthConfig(st *settings, meta *metadata, redirectURI string) *oauth2.Config {
	return &oauth2.Config{ClientID: st.clientID, ClientSecret: st.clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: meta.AuthorizationEndpoint, TokenURL: meta.TokenEndpoint,
			AuthStyle: authStyle(st, meta)}}
}

// authStyle is FieldTokenAuthMethod, or by default POST for Auth0 and for
// an issuer that supports only POST, and Basic otherwise (RFC 6749's and
// OpenID Connect's default).
func authStyle(st *settings, meta *metadata) oauth2.AuthStyle {
	method := st.authMethod
	if method == "" {
		method = AuthMethodBasic
		if st.preset == PresetAuth0 || len(meta.TokenAuthMethods) > 0 &&
			!slices.Contains(meta.TokenAuthMethods, AuthMethodBasic) && slices.Contains(meta.TokenAuthMethods, AuthMethodPost) {
			method = AuthMethodPost
		}
	}
	if method == AuthMethodPost {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}

// tokenError classifies a failed token request (RFC 6749 §5.2):
// invalid_client and unauthorized_client (or a bare 401 or 403) are
// rejected credentials, invalid_grant is a bad, expired or already used
// code, 429 and 5xx (and temporarily_unavailable, server_error) are
// transient; transport failures keep their class. The secrets are removed
// from the message.
func (p *Provider) tokenError(err error, secrets ...string) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		return httpapi.TokenError(Name, err, p.cfg.Now(), secrets...)
	}
	status := re.Response.StatusCode
	msg := clip(httpapi.Redact(fmt.Sprintf("token request refused: %d %s", status,
		strings.TrimSpace(re.ErrorCode+" "+re.ErrorDescription)), secrets...))
	switch {
	case status == http.StatusTooManyRequests || status >= 500 ||
		re.ErrorCode == "temporarily_unavailable" || re.ErrorCode == "server_error":
		if status < 500 && status != http.StatusTooManyRequests {
			status = http.StatusServiceUnavailable
		}
		return httpapi.StatusError(Name, status, re.Response.Header, msg, p.cfg.Now())
	case re.ErrorCode == "invalid_client" || re.ErrorCode == "unauthorized_client":
		return providers.AuthFailed(errors.New(Name + ": " + msg))
	case re.ErrorCode == "invalid_grant":
		return invalidFlow("the authorization code is invalid, expired or already used (" + msg + ")")
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return providers.AuthFailed(errors.New(Name + ": " + msg))
	}
	return providers.InvalidInput(errors.New(Name + ": " + msg))
}

// userinfo reads the claims the ID token lacks (email, name, groups) from
// the userinfo endpoint (OpenID Connect Core §5.3), if the issuer has one.
// Its sub must be the ID token's (§5.3.2); the ID token's claims win.
func (p *Provider) userinfo(ctx context.Context, st *settings, meta *metadata, accessToken string, c *idClaims) error {
	if meta.UserinfoEndpoint == "" || accessToken == "" || c.Email != "" && c.Name != "" && c.groups != nil {
		return nil
	}
	resp, err := p.c.Do(ctx, &httpapi.Request{Method: http.MethodGet, URL: meta.UserinfoEndpoint,
		Secrets: []string{accessToken}, Auth: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+accessToken) }})
	if err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "application/jwt" {
		return nil // a signed userinfo response: the ID token's claims stand alone
	}
	u, err := (&verifier{groupsClaim: st.groupsClaim}).parseClaims(resp.Body)
	if err != nil {
		return err
	}
	if u.Subject != c.Subject {
		return refuse(ReasonSubject, "the userinfo response is about another subject")
	}
	mergeClaims(c, u)
	return nil
}

// mergeClaims fills c's missing profile claims from u.
func mergeClaims(c, u *idClaims) {
	if c.Email == "" {
		c.Email, c.EmailVerified = u.Email, u.EmailVerified
	}
	for _, f := range []struct{ dst, src *string }{{&c.Name, &u.Name}, {&c.GivenName, &u.GivenName},
		{&c.FamilyName, &u.FamilyName}, {&c.PreferredUsername, &u.PreferredUsername}} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if c.groups == nil {
		c.groups = u.groups
	}
}

// errorMessage reads an issuer's error body: OAuth's {"error",
// "error_description"}, Okta's {"errorCode", "errorSummary"} or a
// {"message"}.
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e struct {
		Error        string `json:"error"`
		Description  string `json:"error_description"`
		ErrorCode    string `json:"errorCode"`
		ErrorSummary string `json:"errorSummary"`
		Message      string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	switch {
	case e.Error != "":
		return strings.TrimSpace(e.Error + " " + e.Description)
	case e.ErrorCode != "":
		return strings.TrimSpace(e.ErrorCode + " " + e.ErrorSummary)
	}
	return e.Message
}
