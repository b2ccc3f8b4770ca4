package checkr

import (
	"context"
	"crypto/tls"
	"net/url"
	"strconv"

	"github.com/intimeos/integrations/providers"
)

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API host, then authentication with a
// read-only GET /v1/account. Invalid settings are an error, not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(st.base)
	if err != nil {
		return nil, providers.InvalidInput(err)
	}
	ep := &providers.EndpointCheck{Host: u.Hostname(), Port: port(u), Now: p.now}
	if u.Scheme == "https" {
		ep.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	res, conn := providers.CheckEndpoint(ctx, ep)
	if conn != nil {
		_ = conn.Close()
	}
	res.Run(providers.StageAuth, p.now, func() error {
		var account struct {
			ID string `json:"id"`
		}
		return (&client{p: p, s: st}).do(ctx, "GET", "/account", nil, &account)
	})
	return res, nil
}

// port returns u's port, or the scheme's default.
func port(u *url.URL) int {
	if n, err := strconv.Atoi(u.Port()); err == nil {
		return n
	}
	if u.Scheme == "http" {
		return 80
	}
	return 443
}
