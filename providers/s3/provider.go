package s3

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/manifest"
)

// Name is the provider's name, as hosts register and load it.
const Name = "s3"

// DisplayName names the provider in messages: "AWS S3 is currently
// unavailable".
const DisplayName = "AWS S3"

// Version is the provider's version.
const Version = "1.0.0"

// IntegrationType is the integration type the provider serves
// (UC-ADMIN-007 §2.1, Document Storage).
const IntegrationType = "document_storage"

// Defaults of [Config].
const (
	// DefaultTimeout bounds one request to S3 when [Config.HTTPClient] is
	// nil.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxClients is how many sets of settings keep their S3 client
	// (and so their connections) between calls.
	DefaultMaxClients = 64
)

// Config configures a [Provider]. The zero value is ready to use.
type Config struct {
	// HTTPClient sends the requests to S3. Nil means a client owned by the
	// provider with [DefaultTimeout], whose idle connections
	// [Provider.Close] closes.
	HTTPClient *http.Client
	// MaxClients is how many sets of settings keep their S3 client; all are
	// dropped when one more is needed. Zero means [DefaultMaxClients].
	MaxClients int
	// Logger receives debug records of calls (operation, key, duration)
	// and a warning for each file kept in the local fallback; never
	// credentials or file contents. Nil discards.
	Logger *slog.Logger
	// Now is the clock for stage timings, fallback records and presigned
	// URL expiry times. Nil means time.Now.
	Now func() time.Time
}

// Provider is the AWS S3 document storage provider. It is safe for
// concurrent use; settings travel with each call.
//
// Info and Validate are the embedded manifest.Base's: the package's
// fields and operations, and its settings rules, as data.
type Provider struct {
	manifest.Base
	http   *http.Client
	owned  *http.Transport
	logger *slog.Logger
	now    func() time.Time
	max    int

	mu      sync.Mutex
	clients map[[32]byte]*client
	// spools guards each fallback folder within this process.
	spools map[string]chan struct{}
}

var _ providers.Provider = (*Provider)(nil)

// New returns a provider configured by cfg (nil means all defaults).
func New(cfg *Config) *Provider {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	p := &Provider{Base: manifest.New(&spec), http: c.HTTPClient, logger: c.Logger, now: c.Now, max: c.MaxClients,
		clients: map[[32]byte]*client{}, spools: map[string]chan struct{}{}}
	if p.http == nil {
		p.owned = http.DefaultTransport.(*http.Transport).Clone()
		p.http = &http.Client{Transport: p.owned, Timeout: DefaultTimeout}
	}
	if p.logger == nil {
		p.logger = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.max <= 0 {
		p.max = DefaultMaxClients
	}
	return p
}

// Close closes the idle connections of the provider's own HTTP client (not
// those of a [Config.HTTPClient]). The provider stays usable.
func (p *Provider) Close() error {
	if p.owned != nil {
		p.owned.CloseIdleConnections()
	}
	return nil
}

// spec is what Info says of the provider, and how Validate checks
// settings: with the rules of [Fields].
var spec = manifest.Spec{Name: Name, DisplayName: DisplayName, Version: Version, Types: []string{IntegrationType},
	Fields: Fields, Capabilities: []string{OpPut, OpGet, OpPresign, OpDelete, OpReconcile},
	Validate: manifest.Parses(parseSettings)}
