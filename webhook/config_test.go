package webhook_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/webhook"
)

// TestConfigBounds: New refuses sizes it could only die on later, naming
// the field and its bound. BatchSize 1<<40 used to be accepted, and Start
// then died allocating a channel of that many places.
func TestConfigBounds(t *testing.T) {
	t.Parallel()
	st := backends[0].open(t)
	for _, tc := range []struct {
		cfg  webhook.Config
		want string
	}{
		{webhook.Config{BatchSize: 1 << 40}, "Config.BatchSize must be at most 1000"},
		{webhook.Config{Workers: 1 << 40}, "Config.Workers must be at most 1024"},
		{webhook.Config{PerSubscriptionLimit: 1 << 40}, "Config.PerSubscriptionLimit must be at most 1000"},
		{webhook.Config{RetentionBatch: 1 << 40}, "Config.RetentionBatch must be at most 100000"},
		{webhook.Config{Lease: 1 << 62}, "Config.Lease must be at most 24h0m0s"},
		{webhook.Config{PollInterval: 1 << 62}, "Config.PollInterval must be at most 1h0m0s"},
		{webhook.Config{ReapInterval: 1 << 62}, "Config.ReapInterval must be at most 1h0m0s"},
		{webhook.Config{SecretOverlap: 1 << 62}, "Config.SecretOverlap must be at most 720h0m0s"},
		{webhook.Config{Retention: 1 << 62}, "Config.Retention must be at most 876000h0m0s"},
		{webhook.Config{Retention: -time.Hour}, "Config.Retention must not be negative"},
		{webhook.Config{ReapInterval: -1}, "Config.ReapInterval must not be negative"},
	} {
		d, err := webhook.New(st, &tc.cfg)
		require.ErrorContains(t, err, tc.want)
		require.Nil(t, d)
	}
	// The bounds themselves are accepted, and such a Dispatcher starts.
	d, err := webhook.New(st, &webhook.Config{Workers: webhook.WorkersMax, BatchSize: webhook.BatchSizeMax,
		PerSubscriptionLimit: webhook.PerSubscriptionLimitMax, RetentionBatch: webhook.RetentionBatchMax,
		Lease: webhook.LeaseMax, PollInterval: webhook.PollIntervalMax, ReapInterval: webhook.ReapIntervalMax,
		SecretOverlap: webhook.SecretOverlapMax, Retention: webhook.RetentionMax})
	require.NoError(t, err)
	require.NoError(t, d.Start(t.Context()))
	require.NoError(t, d.Stop(t.Context()))
}
