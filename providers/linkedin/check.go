package linkedin

import (
	"context"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// probeTask is the task the connection test asks about: a well-formed URN
// that names no task, so that LinkedIn answers 200 with an error for it
// when the token is good, and 401 or 403 when it is not. A partner
// application's token reads no member or organization, which leaves the
// task resource as the cheap authenticated read.
const probeTask = "urn:li:simpleJobPostingTask:00000000-0000-0000-0000-000000000000"

// Check implements [providers.Provider]: DNS, TCP and TLS (skipped for a
// plain http test server) against the API host, then authentication with
// the call's access token and the integration's API version by reading
// the status of a task that does not exist. Invalid settings are an error,
// not a stage.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return httpapi.Check(ctx, st.base, p.c.Now, func() error {
		c, err := p.session(s)
		if err != nil {
			return err
		}
		var ignored taskAnswer
		return c.do(ctx, http.MethodGet, st.restURL("simpleJobPostingTasks", idsQuery([]string{probeTask})), "", nil, &ignored)
	}), nil
}
