package admin

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// Defaults of [Config].
const (
	PrefixDefault       = "/admin"
	PollIntervalDefault = 5 * time.Second
	PollIntervalMin     = time.Second
	// CSRFKeyMin is the shortest accepted Config.CSRFKey, in bytes.
	CSRFKeyMin = 32
)

// Principal is who makes a request, as the host's [Config.Authorize] says:
// the organization every call is scoped to and the admin user.
type Principal struct {
	OrganizationID uuid.UUID
	UserID         uuid.UUID
	// Name is shown in the header and the audit log; empty shows the ID.
	Name string
}

// Config configures the admin handler. Authorize and Store are required;
// every other field has a default. [New] copies it.
type Config struct {
	// Authorize maps a request to its organization and admin user, or
	// returns an error (answered 401, nothing else happens). It is the
	// host's session check and its "is an admin" check. Required: there is
	// no default that lets anyone in.
	Authorize func(r *http.Request) (*Principal, error)
	// Store is the database the rest of the SDK uses. The admin reads it
	// to reveal a secret on request (the Manager shows settings masked) and
	// to list integration logs and alerts; the only thing it writes there
	// itself is where alerts are sent (§13, the alert engine reads it).
	// Required.
	Store storage.Store
	// Webhooks serves the webhook screens and API. Required.
	Webhooks *webhook.Dispatcher
	// OAuth serves the OAuth screens and API. Nil hides them. It needs
	// Integrations: OAuth integrations are created and changed through the
	// Manager, which stores their settings; build the Connector with
	// oauth.Config.Settings = integration.StoredOAuthSettings so that it
	// reads them. The host mounts OAuth.Handler at its base URL for the
	// provider's redirect, with a SuccessURL of Prefix + "/oauth/connected".
	OAuth *oauth.Connector
	// OAuthBaseURL is the OAuth Connector's Config.BaseURL, from which
	// the read-only redirect URIs shown in the form are derived. Required
	// with OAuth.
	OAuthBaseURL string
	// Integrations serves the integration screens (dashboard, catalog,
	// configure, health, logs) and the OAuth setup: normally the
	// *integration.Manager. Nil shows them as "coming with the Manager".
	Integrations Integrations
	// APIAccess serves the API access screen: normally the
	// *apiaccess.Service. Nil shows it as a placeholder.
	APIAccess APIAccess
	// RetryDefaults stores the organization's default retry policy. Nil
	// means Integrations when it implements RetryDefaults (the Manager
	// does), else the default the webhook dispatcher applies is shown
	// read-only; policies of single webhooks are editable either way.
	RetryDefaults RetryDefaults
	// Troubleshooter, Backups, Credentials and LogExport are the tools of
	// the health and logs screens (§5 troubleshooting, §9 switch to
	// backup, ADMIN-INT-014 Regenerate, §8 export). Nil means
	// Integrations' own when it has them (the *integration.Manager has all
	// four); a tool neither provides shows as a placeholder.
	Troubleshooter Troubleshooter
	Backups        BackupSwitcher
	Credentials    CredentialRotator
	LogExport      LogExporter
	// LogClear clears an integration's log (§8) and Manual switches the
	// manual mode of §9; nil means Integrations' own, as above.
	LogClear LogClearer
	Manual   ManualModes
	// Prefix is the path the host mounts the handler under, without a
	// trailing slash (default "/admin"). The handler strips it itself:
	// mount it with mux.Handle(Prefix+"/", h).
	Prefix string
	// CSRFKey keys the CSRF tokens (at least 32 bytes). Nil means a random
	// key per [New]: tokens then do not survive a restart and differ between
	// host processes, so set it when several processes serve the admin.
	CSRFKey []byte
	// Audit records the actions taken (every change, and every secret
	// shown, which is refused when Audit fails), for the host's audit log.
	// Every record is also written to Logger at level INFO with the
	// message "admin audit"; nil records them there only. Records never
	// hold a secret.
	Audit func(ctx context.Context, e *AuditEvent) error
	// Logger receives request failures; secrets and request bodies are
	// never logged. Nil discards.
	Logger *slog.Logger
	// Clock returns the current time. Nil means time.Now.
	Clock func() time.Time
	// PollInterval is how often open pages refresh their live parts
	// (default 5 s, at least 1 s).
	PollInterval time.Duration
	// Title names the product in the page header (default "InTime Admin").
	Title string
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c *Config) WithDefaults() *Config {
	out := *c
	if out.Prefix == "" {
		out.Prefix = PrefixDefault
	}
	out.Prefix = strings.TrimRight(out.Prefix, "/")
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.Clock == nil {
		out.Clock = time.Now
	}
	if out.PollInterval == 0 {
		out.PollInterval = PollIntervalDefault
	}
	if out.Title == "" {
		out.Title = "InTime Admin"
	}
	if out.RetryDefaults == nil {
		if rd, ok := out.Integrations.(RetryDefaults); ok {
			out.RetryDefaults = rd
		}
	}
	out.toolsFrom()
	return &out
}

// validate says which field is wrong.
func (c *Config) validate() error {
	switch {
	case c.Authorize == nil:
		return errors.New("admin: Config.Authorize is required; the admin has no default that lets anyone in")
	case c.Store == nil:
		return errors.New("admin: Config.Store is required")
	case c.Webhooks == nil:
		return errors.New("admin: Config.Webhooks is required")
	case c.OAuth != nil && c.OAuthBaseURL == "":
		return errors.New("admin: Config.OAuthBaseURL is required with Config.OAuth")
	case c.OAuth != nil && c.Integrations == nil:
		return errors.New("admin: Config.Integrations is required with Config.OAuth: OAuth integrations are saved through the Manager")
	case c.CSRFKey != nil && len(c.CSRFKey) < CSRFKeyMin:
		return errors.New("admin: Config.CSRFKey must be at least 32 bytes")
	case c.PollInterval < PollIntervalMin:
		return errors.New("admin: Config.PollInterval must be at least 1s")
	case !strings.HasPrefix(c.Prefix, "/") && c.Prefix != "":
		return errors.New(`admin: Config.Prefix must start with "/"`)
	}
	return nil
}
