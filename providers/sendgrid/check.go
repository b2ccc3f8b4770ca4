package sendgrid

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// ScopeMailSend is the API key permission sending needs.
const ScopeMailSend = "mail.send"

var errScope = errors.New("sendgrid: the API key lacks the mail.send permission")

// Check implements [providers.Provider]: DNS, TCP and TLS to the API host,
// then GET /v3/scopes, a read-only authenticated call; the key must hold
// the mail.send scope. A failed stage's message is the spec's (UC-ADMIN-007
// §16).
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	res, conn := providers.CheckEndpoint(ctx, &providers.EndpointCheck{URL: st.base.String(), Now: p.cfg.Now})
	if conn != nil {
		_ = conn.Close()
	}
	res.Run(providers.StageAuth, p.cfg.Now, func() error {
		if err := p.scopes(ctx, st); err != nil {
			e := providers.AsError(err)
			return retry.WithClass(errors.New(providers.UserMessage(e, "SendGrid")), e.RetryClass())
		}
		return nil
	})
	return res, nil
}

func (p *Provider) scopes(ctx context.Context, st *settings) error {
	_, body, err := p.call(ctx, st, http.MethodGet, "/v3/scopes", nil)
	if err != nil {
		return err
	}
	var r struct {
		Scopes []string `json:"scopes"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return providers.NewError(providers.KindPermanent, err)
	}
	if !slices.Contains(r.Scopes, ScopeMailSend) {
		return providers.AuthFailed(errScope)
	}
	return nil
}
