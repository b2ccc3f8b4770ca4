package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// Exercise runs the contract suite against a backend. newStore must return
// a fresh, migrated, empty store that no other call shares; every subtest
// calls it once and runs in parallel with the others.
func Exercise(t *testing.T, newStore func(t *testing.T) storage.Store) {
	t.Helper()
	for _, f := range families() {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			tests := f.tests
			if f.pager != nil {
				tests = append(tests, pagingTests(f.pager)...)
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.run(t, setup(t, newStore))
				})
			}
		})
	}
}

// NewOrgID returns a new random organization ID.
func NewOrgID() uuid.UUID { return uuid.New() }

// NewSecret returns a new webhook signing secret, 24 random bytes as a
// 32-character standard base64 string, the form a Store accepts.
func NewSecret() string {
	b := make([]byte, storage.SecretMinBytes)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// family is one table family of the store and its tests.
type family struct {
	name  string
	tests []test
	// pager, when set, adds the list paging tests.
	pager *pager
}

func families() []family {
	return []family{
		{name: "Integrations", tests: integrationTests(), pager: integrationPager()},
		{name: "OAuthTokens", tests: oauthTokenTests()},
		{name: "OAuthStates", tests: oauthStateTests()},
		{name: "OAuthRefresh", tests: oauthRefreshTests()},
		{name: "Webhooks", tests: webhookTests(), pager: webhookPager()},
		{name: "Deliveries", tests: deliveryTests(), pager: deliveryPager()},
		{name: "DeliveryQueue", tests: queueTests()},
		{name: "DeliveryPump", tests: pumpTests()},
		{name: "DeliveryPublish", tests: publishTests()},
		{name: "DLQ", tests: dlqTests(), pager: dlqPager()},
		{name: "Logs", tests: logTests(), pager: logPager()},
		{name: "Metrics", tests: metricTests()},
		{name: "Alerts", tests: alertTests(), pager: alertPager()},
		{name: "AlertNotifications", tests: alertNotificationTests()},
		{name: "APITokens", tests: apiTokenTests()},
		{name: "APITokenInfo", tests: apiTokenInfoTests()},
		{name: "APIRate", tests: apiRateTests()},
		{name: "APIUsage", tests: apiUsageTests()},
		{name: "ZapierHooks", tests: zapierHookTests()},
		{name: "IntegrationHealth", tests: healthTests()},
		{name: "Activity", tests: activityTests()},
		{name: "OrganizationSettings", tests: orgSettingsTests()},
		{name: "Inbound", tests: inboundTests(), pager: inboundPager()},
		{name: "Maintenance", tests: maintenanceTests()},
		{name: "Invalid", tests: invalidTests()},
	}
}

// test is one named behaviour.
type test struct {
	name string
	run  func(t *testing.T, b *bundle)
}

// bundle is what a test works with: a fresh store and two organizations.
type bundle struct {
	ctx   context.Context
	store storage.Store
	// org is the organization under test.
	org uuid.UUID
	// other is another organization, for isolation checks.
	other uuid.UUID
}

func setup(t *testing.T, newStore func(t *testing.T) storage.Store) *bundle {
	t.Helper()
	s := newStore(t)
	if s == nil {
		t.Fatal("storagetest: newStore returned nil")
	}
	return &bundle{ctx: t.Context(), store: s, org: NewOrgID(), other: NewOrgID()}
}
