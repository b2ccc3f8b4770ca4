package storagetest

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func alertNotificationTests() []test {
	return []test{
		{"ResolveKey", testAlertResolveKey},
		{"NotificationAddedOnce", testAlertNotificationAddOnce},
		{"NotificationClaimLeaseFinish", testAlertNotificationClaim},
		{"Settings", testAlertSettings},
		{"Organizations", testAlertOrganizations},
	}
}

func testAlertResolveKey(t *testing.T, b *bundle) {
	a := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "k.resolve"))
	_, err := b.store.AlertResolveKey(b.ctx, b.other, "k.resolve")
	require.ErrorIs(t, err, storage.ErrNotFound, "another organization's key")
	got, err := b.store.AlertResolveKey(b.ctx, b.org, "k.resolve")
	require.NoError(t, err)
	require.Equal(t, a.ID, got.ID)
	require.Equal(t, storage.AlertResolved, got.Status)
	require.NotNil(t, got.ResolvedAt)
	_, err = b.store.AlertResolveKey(b.ctx, b.org, "k.resolve")
	require.ErrorIs(t, err, storage.ErrNotFound, "no open alert has the key any more")
}

func testAlertNotificationAddOnce(t *testing.T, b *bundle) {
	a := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "k.once"))
	ps := []*storage.AlertNotificationAddParams{
		{OrganizationID: b.org, AlertID: a.ID, Notifier: "email", Kind: storage.AlertNotifyRaised},
		{OrganizationID: b.org, AlertID: a.ID, Notifier: "slack", Kind: storage.AlertNotifyRaised},
	}
	n, err := b.store.AlertNotificationAdd(b.ctx, ps)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = b.store.AlertNotificationAdd(b.ctx, ps)
	require.NoError(t, err)
	require.Zero(t, n, "a second host adds the same notifications: nothing new")
	n, err = b.store.AlertNotificationAdd(b.ctx, []*storage.AlertNotificationAddParams{
		{OrganizationID: b.org, AlertID: a.ID, Notifier: "email", Kind: storage.AlertNotifyReminder, Window: 1},
		{OrganizationID: b.other, AlertID: a.ID, Notifier: "email", Kind: storage.AlertNotifyResolved},
	})
	require.NoError(t, err)
	require.Equal(t, 1, n, "the next window's reminder is new; another organization cannot add to the alert")
	list, err := b.store.AlertNotificationList(b.ctx, b.org, a.ID)
	require.NoError(t, err)
	require.Len(t, list, 3)
	for _, got := range list {
		require.Equal(t, storage.AlertNotificationPending, got.Status)
		require.Zero(t, got.Attempts)
	}
	list, err = b.store.AlertNotificationList(b.ctx, b.other, a.ID)
	require.NoError(t, err)
	require.Empty(t, list)
	_, err = b.store.AlertNotificationAdd(b.ctx, []*storage.AlertNotificationAddParams{{OrganizationID: b.org,
		AlertID: a.ID, Notifier: "email", Kind: "later"}})
	require.Error(t, err)
}

func testAlertNotificationClaim(t *testing.T, b *bundle) {
	a := mustRaiseAlert(t, b, alertParams(b.org, uuid.Nil, "k.claim"))
	// Far in the future, so that other tests' notifications on a shared
	// database are not due at these times, and these are not due at theirs.
	due := time.Date(2090, 1, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(time.Now().UnixNano() % int64(time.Hour))).Truncate(time.Microsecond)
	_, err := b.store.AlertNotificationAdd(b.ctx, []*storage.AlertNotificationAddParams{{OrganizationID: b.org,
		AlertID: a.ID, Notifier: "slack", Kind: storage.AlertNotifyRaised, NextAttemptAt: due}})
	require.NoError(t, err)
	claim := func(at time.Time) []*storage.AlertNotification {
		t.Helper()
		got, err := b.store.AlertNotificationClaim(b.ctx, &storage.AlertNotificationClaimParams{Now: at,
			Lease: time.Minute, Limit: 100})
		require.NoError(t, err)
		var mine []*storage.AlertNotification
		for _, n := range got {
			if n.AlertID == a.ID {
				mine = append(mine, n)
			}
		}
		return mine
	}
	require.Empty(t, claim(due.Add(-time.Second)), "not due yet")
	got := claim(due)
	require.Len(t, got, 1)
	n := got[0]
	require.Equal(t, 1, n.Attempts)
	require.NotEqual(t, uuid.Nil, n.ClaimID)
	require.True(t, n.NextAttemptAt.Equal(due.Add(time.Minute)), "leased")
	require.Empty(t, claim(due.Add(30*time.Second)), "leased to the first claim")

	_, err = b.store.AlertNotificationFinish(b.ctx, &storage.AlertNotificationFinishParams{OrganizationID: b.org,
		ID: n.ID, ClaimID: uuid.New(), Status: storage.AlertNotificationSent})
	require.ErrorIs(t, err, storage.ErrNotFound, "another claim's fence")
	retryAt := due.Add(10 * time.Minute)
	f, err := b.store.AlertNotificationFinish(b.ctx, &storage.AlertNotificationFinishParams{OrganizationID: b.org,
		ID: n.ID, ClaimID: n.ClaimID, Status: storage.AlertNotificationPending, NextAttemptAt: retryAt, Error: "slack: 500 rollup_error"})
	require.NoError(t, err)
	require.Equal(t, storage.AlertNotificationPending, f.Status)
	require.Equal(t, "slack: 500 rollup_error", f.LastError)
	require.Equal(t, uuid.Nil, f.ClaimID)
	require.Nil(t, f.SentAt)
	require.Empty(t, claim(retryAt.Add(-time.Second)), "waits for the retry")

	got = claim(retryAt)
	require.Len(t, got, 1)
	require.Equal(t, 2, got[0].Attempts)
	f, err = b.store.AlertNotificationFinish(b.ctx, &storage.AlertNotificationFinishParams{OrganizationID: b.org,
		ID: n.ID, ClaimID: got[0].ClaimID, Status: storage.AlertNotificationSent})
	require.NoError(t, err)
	require.Equal(t, storage.AlertNotificationSent, f.Status)
	require.NotNil(t, f.SentAt)
	require.Empty(t, claim(retryAt.Add(time.Hour)), "sent: never claimed again")
}

func testAlertSettings(t *testing.T, b *bundle) {
	_, err := b.store.AlertSettingsGet(b.ctx, b.org)
	require.ErrorIs(t, err, storage.ErrNotFound)
	set, err := b.store.AlertSettingsSet(b.ctx, &storage.AlertSettings{OrganizationID: b.org,
		EmailTo: []string{"ops@intime.com", "admin@intime.com"}, Slack: true, SlackChannel: "#alerts",
		MinSeverity: storage.AlertWarning})
	require.NoError(t, err)
	got, err := b.store.AlertSettingsGet(b.ctx, b.org)
	require.NoError(t, err)
	require.Equal(t, set, got)
	require.Equal(t, []string{"ops@intime.com", "admin@intime.com"}, got.EmailTo)
	require.True(t, got.Slack)
	require.Equal(t, storage.AlertWarning, got.MinSeverity)
	got, err = b.store.AlertSettingsSet(b.ctx, &storage.AlertSettings{OrganizationID: b.org})
	require.NoError(t, err)
	require.Empty(t, got.EmailTo)
	require.False(t, got.Slack)
	_, err = b.store.AlertSettingsGet(b.ctx, b.other)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.AlertSettingsSet(b.ctx, &storage.AlertSettings{OrganizationID: b.org, MinSeverity: "loud"})
	require.Error(t, err)
}

func testAlertOrganizations(t *testing.T, b *bundle) {
	mustCreateIntegration(t, b, b.org)
	mustCreateIntegration(t, b, b.org)
	mustCreateIntegration(t, b, b.other)
	var all []uuid.UUID
	after := uuid.Nil
	for {
		page, err := b.store.AlertOrganizations(b.ctx, after, 2)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		require.LessOrEqual(t, len(page), 2)
		all = append(all, page...)
		after = page[len(page)-1]
	}
	seen := map[uuid.UUID]int{}
	for _, id := range all {
		seen[id]++
	}
	require.Equal(t, 1, seen[b.org], "once, however many integrations")
	require.Equal(t, 1, seen[b.other])
}
