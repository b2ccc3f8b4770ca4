package workday

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/bamboohr"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

// Name is the provider's name, as hosts register and load it.
const Name = "workday"

// DisplayName names the provider in messages: "Workday is currently
// unavailable".
const DisplayName = "Workday"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.2, HRIS: BambooHR / Workday).
const IntegrationType = "hris"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to Workday. Nil means a client owned by
	// the provider with a 30 second timeout, whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of requests (method, path, status,
	// duration; never the access token, bodies or worker data). Nil
	// discards.
	Logger *slog.Logger
	// Now is the clock for stage timings and Retry-After dates. Nil means
	// time.Now.
	Now func() time.Time
}

// Provider is the Workday provider. It is safe for concurrent use;
// settings, the access token included, travel with each call and are not
// kept.
//
// Info and Validate are the embedded manifest.Base's: the package's
// fields and operations, and its settings rules, as data.
type Provider struct {
	manifest.Base
	c *httpapi.Client
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	p := &Provider{Base: manifest.New(&spec), c: (*httpapi.Config)(cfg).Client(Name)}
	p.c.ErrorMessage = errorMessage
	return p
}

// Close closes the idle connections of the provider's own HTTP client. The
// provider stays usable.
func (p *Provider) Close() error {
	p.c.Close()
	return nil
}

// spec is what Info says of the provider, and how Validate checks
// settings. The capabilities list what the provider serves:
// bamboohr.OpSync is answered, but always with
// [providers.KindUnsupported] (see [Provider.Do]), so it is not listed.
var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version, Types: []string{IntegrationType},
	Fields: fields, Capabilities: []string{bamboohr.OpDirectory, bamboohr.OpUpdate, OpWorkersList, OpWorkerGet,
		providers.CapabilityOAuth},
	Validate: manifest.Parses(parseSettings)}

// Do implements [providers.Provider]: the HRIS operations of package
// bamboohr (bamboohr.OpDirectory, bamboohr.OpUpdate for the business
// title, bamboohr.OpSync refused as unsupported) and Workday's
// [OpWorkersList] and [OpWorkerGet].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op != nil && op.Name == bamboohr.OpSync {
		return nil, errSyncUnsupported
	}
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*session]{
		bamboohr.OpDirectory: directory, bamboohr.OpUpdate: update,
		OpWorkersList: workersList, OpWorkerGet: workerGet,
	}, op, func() (*session, error) { return p.session(s) })
}

// session is one call's settings and access token.
type session struct {
	*httpapi.Session
	st *settings
}

func (p *Provider) session(s providers.Settings) (*session, error) {
	hs, st, err := httpapi.SessionWith(p.c, s, parseSettings)
	if err != nil {
		return nil, err
	}
	return &session{Session: hs, st: st}, nil
}
