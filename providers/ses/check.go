package ses

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

var errSendingPaused = errors.New("ses: sending is paused for this account")

// Check implements [providers.Provider]: DNS, TCP and TLS to the endpoint,
// then GetAccount, an authenticated read-only call; an account whose
// sending is paused fails the stage. A failed auth stage's message is the
// spec's (UC-ADMIN-007 §16).
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	res, conn := providers.CheckEndpoint(ctx, &providers.EndpointCheck{URL: st.endpointURL().String(), Now: p.cfg.Now})
	if conn != nil {
		_ = conn.Close()
	}
	res.Run(providers.StageAuth, p.cfg.Now, func() error {
		if err := p.account(ctx, st); err != nil {
			e := providers.AsError(err)
			return retry.WithClass(errors.New(providers.UserMessage(e, "AWS SES")), e.RetryClass())
		}
		return nil
	})
	return res, nil
}

func (p *Provider) account(ctx context.Context, st *settings) error {
	out, err := p.client(st).GetAccount(ctx, &sesv2.GetAccountInput{})
	if err != nil {
		return classify(err)
	}
	if !out.SendingEnabled {
		return providers.NewError(providers.KindPermanent, errSendingPaused)
	}
	return nil
}
