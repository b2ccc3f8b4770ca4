package adp

import (
	"context"

	"golang.org/x/oauth2"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// Check implements [providers.Provider]: DNS, TCP and TLS with the client
// certificate against the token endpoint's host, then a token request (not
// cached) as the authentication stage. A TLS failure that only shows at the
// token request (TLS 1.3 servers refuse a client certificate after the
// handshake) is reported on the TLS stage. Invalid settings are an error,
// not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := p.parseSettings(s)
	if err != nil {
		return nil, err
	}
	res, conn := providers.CheckEndpoint(ctx, &providers.EndpointCheck{URL: st.tokenURL, TLS: st.tlsConfig(), Now: p.cfg.Now})
	if conn != nil {
		_ = conn.Close()
	}
	sess := p.sessions.get(st.key, func() *session { return p.newSession(st) })
	res.Run(providers.StageAuth, p.cfg.Now, func() error {
		_, err := sess.oauth.Token(context.WithValue(ctx, oauth2.HTTPClient, sess.http))
		if err != nil {
			return (&client{p: p, s: st}).tokenError(err)
		}
		return nil
	})
	moveTLSFailure(res)
	return res, nil
}

// moveTLSFailure reports an authentication stage that failed with a TLS
// error on the TLS stage instead.
func moveTLSFailure(res *providers.CheckResult) {
	auth := &res.Stages[len(res.Stages)-1]
	if auth.Name != providers.StageAuth || auth.Status != providers.StageFailed || auth.Class != retry.ClassTLS {
		return
	}
	for i := range res.Stages {
		if res.Stages[i].Name == providers.StageTLS {
			res.Stages[i].Status, res.Stages[i].Class, res.Stages[i].Message = auth.Status, auth.Class, auth.Message
			*auth = providers.Stage{Name: providers.StageAuth, Status: providers.StageSkipped}
			return
		}
	}
}
