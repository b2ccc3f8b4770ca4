package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/webhook"
)

// TestCatalogRegister: the host registers event types with printable names
// of 1 to 50 characters and JSON samples; the spec's twelve are there.
func TestCatalogRegister(t *testing.T) {
	t.Parallel()
	c := webhook.NewCatalog(webhook.DefaultEvents()...)
	require.Len(t, c.Names(), 12)
	require.NoError(t, c.Register(webhook.EventType{Name: "timesheet.approved"}))
	require.NoError(t, c.Register(webhook.EventType{Name: strings.Repeat("é", 50)}), "50 characters, 100 bytes")
	_, ok := c.Lookup("timesheet.approved")
	require.True(t, ok)
	for _, name := range []string{"", strings.Repeat("a", 51), "bad\x00name", "tab\tname", "\xff"} {
		require.Error(t, c.Register(webhook.EventType{Name: name}), "%q", name)
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
