package inbound_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration/inbound"
	"github.com/intimeos/integrations/storage"
)

// TestEventListAndPrune checks the list of received events (filters,
// categories) and retention: Prune deletes what is older than
// Config.Retention, and only that.
func TestEventListAndPrune(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		in, ep := e.sendgrid(t, e.org)
		now := e.clock.Now()
		old := sendgridBatch(now, "old")
		requireAccepted(t, post(t, ep.URL, e.sgKey.Sign(t, now, old), old), 3, 3, 0, 0)
		e.clock.Advance(20 * 24 * time.Hour)
		now = e.clock.Now()
		fresh := sendgridBatch(now, "new")
		requireAccepted(t, post(t, ep.URL, e.sgKey.Sign(t, now, fresh), fresh), 3, 3, 0, 0)

		page, err := e.rcv.EventList(e.ctx, &storage.InboundEventListParams{OrganizationID: e.org, IntegrationID: in.ID,
			Types: []string{"email.bounced"}})
		require.NoError(t, err)
		require.Len(t, page.Items, 2)
		require.Equal(t, "new-1", page.Items[0].ProviderEventID, "newest first")
		require.Equal(t, inbound.CategoryBounces, page.Items[0].Category)

		n, err := e.rcv.Prune(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "20 days is within the 30 days kept")
		e.clock.Advance(15 * 24 * time.Hour)
		n, err = e.rcv.Prune(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 3, n, "the first batch is 35 days old")
		require.Len(t, e.events(t, e.org, in.ID), 3)
	})
}

// TestConfig checks New's refusals.
func TestConfig(t *testing.T) {
	t.Parallel()
	e := setup(t, backends[0], nil)
	good := inbound.Config{Manager: e.mgr, Providers: e.host, BaseURL: "https://intime.com/api/webhooks"}
	for name, edit := range map[string]func(c *inbound.Config){
		"no manager":              func(c *inbound.Config) { c.Manager = nil },
		"no providers":            func(c *inbound.Config) { c.Providers = nil },
		"no base URL":             func(c *inbound.Config) { c.BaseURL = "" },
		"plain http":              func(c *inbound.Config) { c.BaseURL = "http://intime.com/api/webhooks" },
		"a query":                 func(c *inbound.Config) { c.BaseURL = "https://intime.com/api/webhooks?x=1" },
		"retention under max age": func(c *inbound.Config) { c.Retention, c.MaxEventAge = 24*time.Hour, 48*time.Hour },
		"a rule without types":    func(c *inbound.Config) { c.Rules = []inbound.RateRule{{Name: "x", Floor: 0.1}} },
	} {
		c := good
		edit(&c)
		_, err := inbound.New(&c)
		require.Error(t, err, name)
	}
	_, err := inbound.New(&good)
	require.NoError(t, err)
	local := good
	local.BaseURL = "http://127.0.0.1:8080/api/webhooks"
	_, err = inbound.New(&local)
	require.NoError(t, err, "plain http to a loopback host, for development")
}
