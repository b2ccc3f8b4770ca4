package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/webhook"
)

// TestCatalogRegister: the host registers event types with names of 1 to
// 50 letters, digits, '.', '_' or '-' and JSON samples; the spec's twelve
// are there. Names with spaces or other punctuation used to be accepted.
func TestCatalogRegister(t *testing.T) {
	t.Parallel()
	c := webhook.NewCatalog(webhook.DefaultEvents()...)
	require.Len(t, c.Names(), 12)
	require.NoError(t, c.Register(webhook.EventType{Name: "timesheet.approved"}))
	require.NoError(t, c.Register(webhook.EventType{Name: strings.Repeat("é", 50)}), "50 characters, 100 bytes")
	_, ok := c.Lookup("timesheet.approved")
	require.True(t, ok)
	require.NoError(t, c.Register(webhook.EventType{Name: "shift_2.swap-requested"}))
	for _, name := range []string{"", strings.Repeat("a", 51), "bad\x00name", "tab\tname", "\xff", "job created",
		" job.created", "job.created ", "job\u00a0created", "job,created", "job/created", "job\"created", "<b>job</b>"} {
		err := c.Register(webhook.EventType{Name: name})
		require.ErrorContains(t, err, "letters, digits", "%q", name)
		_, ok := c.Lookup(name)
		require.False(t, ok, "%q not registered", name)
	}
	require.Error(t, c.Register(webhook.EventType{Name: "x.y", Sample: json.RawMessage(`{`)}), "sample must be JSON")
}

// TestConfigValidate: New refuses settings it could only fail on later.
func TestConfigValidate(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	for _, cfg := range []webhook.Config{{Workers: -1}, {BatchSize: -1}, {Lease: -1}, {PollInterval: -1},
		{RetentionBatch: -1}, {PerSubscriptionLimit: -1}, {SecretOverlap: -1}} {
		_, err := webhook.New(st, &cfg)
		require.Error(t, err, "%+v", cfg)
	}
	_, err := webhook.New(st, nil)
	require.NoError(t, err)
}
