package httpapi

import (
	"log/slog"
	"net/http"
	"time"
)

// Config is what an HTTP API provider is configured with: the HTTP client,
// the logger and the clock. A provider's own Config declares exactly these
// fields, each documented for its service, and converts to this one
// ((*httpapi.Config)(cfg)); a provider with more settings (everify's
// MaxTokenSources) passes them to [NewClient] itself.
type Config struct {
	// HTTPClient sends the requests. Nil means a client of the provider's
	// own, closed by [Client.Close] (see [NewClient]).
	HTTPClient *http.Client
	// Logger receives the debug records of requests. Nil discards.
	Logger *slog.Logger
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// Client returns the client of provider name configured by cfg: [NewClient]
// with cfg's fields; a nil cfg means all defaults.
func (cfg *Config) Client(name string) *Client {
	if cfg == nil {
		return NewClient(name, nil, nil, nil)
	}
	return NewClient(name, cfg.HTTPClient, cfg.Logger, cfg.Now)
}
