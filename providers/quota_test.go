package providers_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage/sqlite"
)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	k, err := secret.GenerateKey("test")
	require.NoError(t, err)
	ring, err := secret.NewKeyring(k)
	require.NoError(t, err)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"), &sqlite.Config{Sealer: ring})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	return st
}

func newKey() providers.QuotaKey {
	return providers.QuotaKey{OrganizationID: uuid.New(), IntegrationID: uuid.New()}
}

func TestQuotaHourly(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := newClock()
	clock.Add(59*time.Minute + 30*time.Second) // 10:59:30
	cfg := &providers.QuotaConfig{Store: st, HourlyLimit: 100, Clock: clock.Now}
	hostA, err := providers.NewQuota(cfg)
	require.NoError(t, err)
	hostB, err := providers.NewQuota(cfg) // another host on the same database
	require.NoError(t, err)
	k := newKey()

	for i := range 100 {
		q := hostA
		if i%2 == 1 {
			q = hostB
		}
		require.NoError(t, q.Take(t.Context(), k))
	}
	err = hostB.Take(t.Context(), k)
	require.EqualError(t, err, "Rate limit exceeded. Retry in 30 seconds.")
	var qe *providers.QuotaError
	require.ErrorAs(t, err, &qe)
	require.Equal(t, "hourly", qe.Window)
	require.Equal(t, retry.ClassRateLimited, retry.ClassifyError(err).Class)
	require.Equal(t, 30*time.Second, retry.ClassifyError(err).RetryAfter)
	require.Equal(t, providers.KindRateLimited, providers.KindOf(err))

	u, err := hostA.Usage(t.Context(), k)
	require.NoError(t, err)
	require.Equal(t, int64(100), u.Hour)
	require.Equal(t, int64(100), u.Today)
	require.Equal(t, int64(1), u.Rejected)

	clock.Add(30 * time.Second) // 11:00:00, a new hour
	require.NoError(t, hostA.Take(t.Context(), k))
	require.NoError(t, hostA.Take(t.Context(), newKey()), "other integrations have their own counters")
}

func TestQuotaDaily(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := newClock() // 10:00
	q, err := providers.NewQuota(&providers.QuotaConfig{Store: st, HourlyLimit: 100, DailyLimit: 150, Clock: clock.Now})
	require.NoError(t, err)
	k := newKey()
	for range 100 {
		require.NoError(t, q.Take(t.Context(), k))
	}
	clock.Add(time.Hour)
	for range 50 {
		require.NoError(t, q.Take(t.Context(), k))
	}
	err = q.Take(t.Context(), k)
	var qe *providers.QuotaError
	require.ErrorAs(t, err, &qe)
	require.Equal(t, "daily", qe.Window)
	require.Equal(t, "Rate limit exceeded. Retry in 46800 seconds.", err.Error()) // until midnight
	u, err := q.Usage(t.Context(), k)
	require.NoError(t, err)
	require.Equal(t, int64(50), u.Hour, "the rejected call is not counted")
	require.Equal(t, "150 today (100% of daily limit)", u.String())
}

func TestQuotaUsageString(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	q, err := providers.NewQuota(&providers.QuotaConfig{Store: st, Clock: newClock().Now})
	require.NoError(t, err)
	k := newKey()
	for range 247 {
		require.NoError(t, q.Take(t.Context(), k))
	}
	u, err := q.Usage(t.Context(), k)
	require.NoError(t, err)
	require.Equal(t, "247 today (1% of daily limit)", u.String())
	require.Equal(t, "1,247 today (5% of daily limit)", (&providers.Usage{Today: 1247, DailyLimit: 25000}).String())
}

func TestQuotaConfigValidate(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	for limit, msg := range map[int]string{99: "Minimum hourly limit is 100", 10001: "Maximum hourly limit is 10,000"} {
		_, err := providers.NewQuota(&providers.QuotaConfig{Store: st, HourlyLimit: limit})
		var ve *providers.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, msg, ve.Field("rateLimitHour"))
	}
	for _, limit := range []int{100, 10000} {
		_, err := providers.NewQuota(&providers.QuotaConfig{Store: st, HourlyLimit: limit})
		require.NoError(t, err)
	}
	_, err := providers.NewQuota(&providers.QuotaConfig{})
	require.Error(t, err)
}

// okProvider answers every operation, or fails with err.
type okProvider struct {
	providers.UnimplementedProvider
	err error
}

func (p okProvider) Do(context.Context, providers.Settings, *providers.Operation) (*providers.Result, error) {
	return &providers.Result{}, p.err
}

func TestGroupQuota(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := newClock()
	q, err := providers.NewQuota(&providers.QuotaConfig{Store: st, HourlyLimit: 100, Clock: clock.Now})
	require.NoError(t, err)
	k := newKey()
	ok := providers.NewInstance("OK", okProvider{}, nil, nil)
	bad := providers.NewInstance("Bad", okProvider{err: providers.AuthFailed(errors.New("401"))}, nil, nil)
	okGroup, err := providers.NewGroup(&providers.GroupConfig{Members: []*providers.Instance{ok}, Quota: q, QuotaKey: k, Clock: clock.Now})
	require.NoError(t, err)
	badGroup, err := providers.NewGroup(&providers.GroupConfig{Members: []*providers.Instance{bad}, Quota: q, QuotaKey: k, Clock: clock.Now})
	require.NoError(t, err)

	for range 10 {
		_, err := badGroup.Call(t.Context(), &providers.Operation{Name: "x"})
		require.Equal(t, providers.KindAuth, providers.KindOf(err))
	}
	for range 100 {
		_, err := okGroup.Call(t.Context(), &providers.Operation{Name: "x"})
		require.NoError(t, err, "failed calls gave their unit back")
	}
	_, err = okGroup.Call(t.Context(), &providers.Operation{Name: "x"})
	require.EqualError(t, err, "Rate limit exceeded. Retry in 3600 seconds.")
}
