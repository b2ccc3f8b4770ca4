package smtp

import (
	"context"

	"github.com/intimeos/integrations/providers"
)

// UnencryptedMessage flags a connection test on port 25: the TLS stage is
// skipped with this message.
const UnencryptedMessage = "Unencrypted connection: port 25 sends credentials and email in plain text"

// Check implements [providers.Provider]: the stages DNS (resolve the host),
// TCP (connect), TLS (implicit TLS on 465, STARTTLS on 587; skipped and
// flagged on 25) and auth (AUTH PLAIN or LOGIN). A failed stage's message
// is the spec's ("Connection to SendGrid timed out", "Authentication
// failed. Please check credentials.", "SSL certificate verification
// failed"), naming the chosen provider. Invalid settings are an error.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	ss := p.newSession(ctx, st)
	defer ss.close()
	res := &providers.CheckResult{}
	stage := func(name providers.StageName, fn func() error) {
		res.Run(name, p.cfg.Now, func() error {
			if err := fn(); err != nil {
				return stageError(classify(ctx, err), st.provider)
			}
			return nil
		})
	}
	var addrs []string
	stage(providers.StageDNS, func() (err error) {
		addrs, err = p.cfg.Resolver.LookupHost(ctx, st.host)
		return err
	})
	stage(providers.StageTCP, func() error { return ss.dial(addrs[0]) })
	if st.port == PortPlain && res.Failed() == nil {
		res.Stages = append(res.Stages, providers.Stage{Name: providers.StageTLS, Status: providers.StageSkipped,
			Message: UnencryptedMessage})
		stage(providers.StageAuth, func() error {
			if err := ss.secure(); err != nil {
				return err
			}
			return ss.auth()
		})
		ss.done = res.OK()
		return res, nil
	}
	stage(providers.StageTLS, ss.secure)
	stage(providers.StageAuth, ss.auth)
	ss.done = res.OK()
	return res, nil
}
