package linkedin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

// Name is the provider's name, as hosts register and load it.
const Name = "linkedin"

// DisplayName names the provider in messages: "LinkedIn is currently
// unavailable".
const DisplayName = "LinkedIn"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.1, Job Boards: Indeed, LinkedIn, Dice).
const IntegrationType = "job_boards"

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to LinkedIn. Nil means a client owned
	// by the provider with a 30 second timeout, whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// Logger receives debug records of requests (method, path, status,
	// duration; never the access token or bodies). Nil discards.
	Logger *slog.Logger
	// Now is the clock for listedAt, stage timings and Retry-After dates.
	// Nil means time.Now.
	Now func() time.Time
}

// Provider is the LinkedIn job posting provider. It is safe for concurrent
// use; settings, the access token included, travel with each call and are
// not kept.
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
// settings.
var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version, Types: []string{IntegrationType},
	Fields: fields, Capabilities: []string{OpJobPost, OpJobClose, OpTaskStatus, providers.CapabilityOAuth},
	Validate: manifest.Parses(parseSettings)}

// Do implements [providers.Provider]: [OpJobPost], [OpJobClose] and
// [OpTaskStatus].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*session]{
		OpJobPost: post, OpJobClose: closeJob, OpTaskStatus: tasks,
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

// do sends a request to the versioned API with the call's token and the
// headers LinkedIn requires there (LinkedIn-Version,
// X-Restli-Protocol-Version, and X-RestLi-Method when restliMethod is
// set), and decodes a 2xx answer into out.
func (c *session) do(ctx context.Context, method, url, restliMethod string, body []byte, out any) error {
	r := &httpapi.Request{Method: method, URL: url, Auth: httpapi.Bearer(c.Token), Secrets: []string{c.Token},
		Header: http.Header{}}
	r.Header.Set("LinkedIn-Version", c.st.version)
	r.Header.Set("X-Restli-Protocol-Version", RestliProtocolVersion)
	if restliMethod != "" {
		r.Header.Set("X-RestLi-Method", restliMethod)
	}
	if body != nil {
		r.Body, r.ContentType = body, "application/json"
	}
	resp, err := c.Client.Do(ctx, r)
	if err != nil {
		return err
	}
	return httpapi.DecodeBody(Name, method+" answer", resp.Body, out)
}
