package storagetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func inboundTests() []test {
	return []test{
		{"EndpointCreateGet", testInboundEndpointCreateGet},
		{"EndpointConflicts", testInboundEndpointConflicts},
		{"EndpointOtherOrganizationNotFound", testInboundEndpointIsolation},
		{"EndpointUpdateRotatesToken", testInboundEndpointUpdate},
		{"EndpointGoesWithIntegration", testInboundEndpointCascade},
		{"RecordDeduplicatesAndCountsOnce", testInboundRecordDedup},
		{"RecordUnpublishedUntilMarked", testInboundRecordUnpublished},
		{"RecordDedupIsPerIntegration", testInboundRecordPerIntegration},
		{"ListFilters", testInboundListFilters},
		{"DeleteBefore", testInboundDeleteBefore},
		{"InvalidRefused", testInboundInvalid},
		{"DLQCount", testDLQCount},
	}
}

func inboundEndpointParams(org, integrationID uuid.UUID, token string) *storage.InboundEndpointCreateParams {
	return &storage.InboundEndpointCreateParams{OrganizationID: org, IntegrationID: integrationID, Provider: "sendgrid",
		Token: token, TokenHash: "hash-" + token, Categories: []string{"bounces", "opens"}}
}

func mustCreateEndpoint(t *testing.T, b *bundle, org uuid.UUID, token string) *storage.InboundEndpoint {
	t.Helper()
	in := mustCreateIntegration(t, b, org)
	e, err := b.store.InboundEndpointCreate(b.ctx, inboundEndpointParams(org, in.ID, token))
	require.NoError(t, err)
	return e
}

func testInboundEndpointCreateGet(t *testing.T, b *bundle) {
	e := mustCreateEndpoint(t, b, b.org, "tok-1")
	require.Equal(t, b.org, e.OrganizationID)
	require.Equal(t, "sendgrid", e.Provider)
	require.Equal(t, "tok-1", e.Token, "the token comes back in plaintext")
	require.Equal(t, "hash-tok-1", e.TokenHash)
	require.Equal(t, []string{"bounces", "opens"}, e.Categories)
	requireStamp(t, e.CreatedAt)
	requireStamp(t, e.UpdatedAt)

	got, err := b.store.InboundEndpointGet(b.ctx, b.org, e.IntegrationID)
	require.NoError(t, err)
	require.Equal(t, e, got)
	got, err = b.store.InboundEndpointGetByTokenHash(b.ctx, "hash-tok-1")
	require.NoError(t, err)
	require.Equal(t, e, got)
	_, err = b.store.InboundEndpointGetByTokenHash(b.ctx, "hash-nope")
	require.ErrorIs(t, err, storage.ErrNotFound)

	in := mustCreateIntegration(t, b, b.org)
	p := inboundEndpointParams(b.org, in.ID, "tok-2")
	p.Categories = nil
	e2, err := b.store.InboundEndpointCreate(b.ctx, p)
	require.NoError(t, err)
	require.Equal(t, []string{}, e2.Categories, "no category checked is an empty list, not nil")
}

func testInboundEndpointConflicts(t *testing.T, b *bundle) {
	e := mustCreateEndpoint(t, b, b.org, "tok-1")
	_, err := b.store.InboundEndpointCreate(b.ctx, inboundEndpointParams(b.org, e.IntegrationID, "tok-other"))
	require.ErrorIs(t, err, storage.ErrConflict, "one endpoint per integration")
	in := mustCreateIntegration(t, b, b.org)
	_, err = b.store.InboundEndpointCreate(b.ctx, inboundEndpointParams(b.org, in.ID, "tok-1"))
	require.ErrorIs(t, err, storage.ErrConflict, "a token hash names one endpoint")
}

func testInboundEndpointIsolation(t *testing.T, b *bundle) {
	e := mustCreateEndpoint(t, b, b.org, "tok-1")
	_, err := b.store.InboundEndpointGet(b.ctx, b.other, e.IntegrationID)
	require.ErrorIs(t, err, storage.ErrNotFound)
	_, err = b.store.InboundEndpointUpdate(b.ctx, &storage.InboundEndpointUpdateParams{OrganizationID: b.other,
		IntegrationID: e.IntegrationID, Categories: []string{}})
	require.ErrorIs(t, err, storage.ErrNotFound)
	in := mustCreateIntegration(t, b, b.org)
	_, err = b.store.InboundEndpointCreate(b.ctx, inboundEndpointParams(b.other, in.ID, "tok-x"))
	require.ErrorIs(t, err, storage.ErrNotFound, "an endpoint for another organization's integration")
	got, err := b.store.InboundEndpointGet(b.ctx, b.org, e.IntegrationID)
	require.NoError(t, err)
	require.Equal(t, e, got, "nothing changed")
}

func testInboundEndpointUpdate(t *testing.T, b *bundle) {
	e := mustCreateEndpoint(t, b, b.org, "tok-1")
	got, err := b.store.InboundEndpointUpdate(b.ctx, &storage.InboundEndpointUpdateParams{OrganizationID: b.org,
		IntegrationID: e.IntegrationID, Categories: []string{"clicks"}})
	require.NoError(t, err)
	require.Equal(t, []string{"clicks"}, got.Categories)
	require.Equal(t, "tok-1", got.Token, "the token is left as it is")

	tok, hash, provider := "tok-2", "hash-tok-2", "ses"
	got, err = b.store.InboundEndpointUpdate(b.ctx, &storage.InboundEndpointUpdateParams{OrganizationID: b.org,
		IntegrationID: e.IntegrationID, Token: &tok, TokenHash: &hash, Provider: &provider})
	require.NoError(t, err)
	require.Equal(t, "tok-2", got.Token)
	require.Equal(t, "ses", got.Provider)
	require.Equal(t, []string{"clicks"}, got.Categories, "the categories are left as they are")
	_, err = b.store.InboundEndpointGetByTokenHash(b.ctx, "hash-tok-1")
	require.ErrorIs(t, err, storage.ErrNotFound, "the old URL no longer finds it")
	_, err = b.store.InboundEndpointGetByTokenHash(b.ctx, "hash-tok-2")
	require.NoError(t, err)
}

func testInboundEndpointCascade(t *testing.T, b *bundle) {
	e := mustCreateEndpoint(t, b, b.org, "tok-1")
	require.NoError(t, b.store.IntegrationDelete(b.ctx, b.org, e.IntegrationID))
	_, err := b.store.InboundEndpointGetByTokenHash(b.ctx, "hash-tok-1")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

func inboundInput(id, typ string, at *time.Time) *storage.InboundEventInput {
	return &storage.InboundEventInput{EventID: id, Type: typ, OccurredAt: at,
		Data: json.RawMessage(`{"email":"jane@example.com","id":"` + id + `","note":"« é »"}`)}
}

func recordParams(org, integrationID uuid.UUID, events ...*storage.InboundEventInput) *storage.InboundRecordParams {
	return &storage.InboundRecordParams{OrganizationID: org, IntegrationID: integrationID, Provider: "sendgrid",
		Events: events, MetricPrefix: "inbound."}
}

func mustRecord(t *testing.T, b *bundle, p *storage.InboundRecordParams) *storage.InboundRecordResult {
	t.Helper()
	r, err := b.store.InboundEventRecord(b.ctx, p)
	require.NoError(t, err)
	return r
}

func eventIDs(es []*storage.InboundEvent) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.EventID)
	}
	return out
}

// inboundMetrics returns the integration's inbound counts by metric.
func inboundMetrics(t *testing.T, b *bundle, org, integrationID uuid.UUID) map[string]int64 {
	t.Helper()
	ms, err := b.store.MetricList(b.ctx, &storage.MetricListParams{OrganizationID: org, IntegrationID: integrationID})
	require.NoError(t, err)
	out := map[string]int64{}
	for _, m := range ms {
		out[m.Metric] += m.Count
		require.Equal(t, m.BucketStart.Truncate(time.Hour), m.BucketStart, "hourly buckets")
	}
	return out
}

func testInboundRecordDedup(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	at := fixedTime
	r := mustRecord(t, b, recordParams(b.org, in.ID, inboundInput("z-1", "email.bounced", &at),
		inboundInput("a-2", "email.opened", nil), inboundInput("z-1", "email.bounced", &at)))
	require.Equal(t, []string{"z-1", "a-2"}, eventIDs(r.Inserted), "new events in the order given, a repeat once")
	require.Empty(t, r.Unpublished)
	e := r.Inserted[0]
	require.Equal(t, b.org, e.OrganizationID)
	require.Equal(t, in.ID, e.IntegrationID)
	require.Equal(t, "sendgrid", e.Provider)
	require.Equal(t, "email.bounced", e.Type)
	requireTimePtr(t, &at, e.OccurredAt)
	require.Nil(t, r.Inserted[1].OccurredAt)
	requireJSON(t, inboundInput("z-1", "", nil).Data, e.Data)
	requireStamp(t, e.ReceivedAt)
	require.Nil(t, e.PublishedAt)

	got, err := b.store.InboundEventGet(b.ctx, b.org, e.ID)
	require.NoError(t, err)
	require.Equal(t, e, got)
	_, err = b.store.InboundEventGet(b.ctx, b.other, e.ID)
	require.ErrorIs(t, err, storage.ErrNotFound)

	r = mustRecord(t, b, recordParams(b.org, in.ID, inboundInput("z-1", "email.bounced", &at), inboundInput("b-3", "email.bounced", nil)))
	require.Equal(t, []string{"b-3"}, eventIDs(r.Inserted), "a repeated event is not inserted again")
	require.Equal(t, map[string]int64{"inbound.email.bounced": 2, "inbound.email.opened": 1},
		inboundMetrics(t, b, b.org, in.ID), "each event counted once")

	p := recordParams(b.org, in.ID, inboundInput("c-4", "email.clicked", nil))
	p.MetricPrefix = ""
	mustRecord(t, b, p)
	require.NotContains(t, inboundMetrics(t, b, b.org, in.ID), "inbound.email.clicked", "no prefix, no metrics")
}

func testInboundRecordUnpublished(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	r := mustRecord(t, b, recordParams(b.org, in.ID, inboundInput("e-1", "email.bounced", nil), inboundInput("e-2", "email.opened", nil)))
	require.Len(t, r.Inserted, 2)

	again := mustRecord(t, b, recordParams(b.org, in.ID, inboundInput("e-1", "email.bounced", nil), inboundInput("e-2", "email.opened", nil)))
	require.Empty(t, again.Inserted)
	require.ElementsMatch(t, []string{"e-1", "e-2"}, eventIDs(again.Unpublished), "stored but not handed to the host")

	require.NoError(t, b.store.InboundEventPublished(b.ctx, b.other, []uuid.UUID{r.Inserted[0].ID}))
	require.NoError(t, b.store.InboundEventPublished(b.ctx, b.org, []uuid.UUID{r.Inserted[0].ID}))
	got, err := b.store.InboundEventGet(b.ctx, b.org, r.Inserted[0].ID)
	require.NoError(t, err)
	require.NotNil(t, got.PublishedAt)
	first := *got.PublishedAt
	require.NoError(t, b.store.InboundEventPublished(b.ctx, b.org, []uuid.UUID{r.Inserted[0].ID}))
	got, err = b.store.InboundEventGet(b.ctx, b.org, r.Inserted[0].ID)
	require.NoError(t, err)
	requireTime(t, first, *got.PublishedAt, "publishing twice keeps the first time")

	again = mustRecord(t, b, recordParams(b.org, in.ID, inboundInput("e-1", "email.bounced", nil), inboundInput("e-2", "email.opened", nil)))
	require.Equal(t, []string{"e-2"}, eventIDs(again.Unpublished))
	require.NoError(t, b.store.InboundEventPublished(b.ctx, b.org, nil))
}

func testInboundRecordPerIntegration(t *testing.T, b *bundle) {
	one, two := mustCreateIntegration(t, b, b.org), mustCreateIntegration(t, b, b.org)
	require.Len(t, mustRecord(t, b, recordParams(b.org, one.ID, inboundInput("same", "email.bounced", nil))).Inserted, 1)
	require.Len(t, mustRecord(t, b, recordParams(b.org, two.ID, inboundInput("same", "email.bounced", nil))).Inserted, 1,
		"another integration's event of the same ID is another event")
}

func testInboundListFilters(t *testing.T, b *bundle) {
	one, two := mustCreateIntegration(t, b, b.org), mustCreateIntegration(t, b, b.org)
	mustRecord(t, b, recordParams(b.org, one.ID, inboundInput("1", "email.bounced", nil), inboundInput("2", "email.opened", nil)))
	mustRecord(t, b, recordParams(b.org, two.ID, inboundInput("3", "email.bounced", nil)))
	other := mustCreateIntegration(t, b, b.other)
	mustRecord(t, b, recordParams(b.other, other.ID, inboundInput("4", "email.bounced", nil)))

	list := func(p storage.InboundEventListParams) []string {
		t.Helper()
		page, err := b.store.InboundEventList(b.ctx, &p)
		require.NoError(t, err)
		return eventIDs(page.Items)
	}
	require.ElementsMatch(t, []string{"1", "2", "3"}, list(storage.InboundEventListParams{OrganizationID: b.org}))
	require.ElementsMatch(t, []string{"1", "2"}, list(storage.InboundEventListParams{OrganizationID: b.org, IntegrationID: one.ID}))
	require.ElementsMatch(t, []string{"1", "3"}, list(storage.InboundEventListParams{OrganizationID: b.org, Types: []string{"email.bounced"}}))
	require.Empty(t, list(storage.InboundEventListParams{OrganizationID: b.org, IntegrationID: other.ID}))
	now := b.store.Now()
	require.Empty(t, list(storage.InboundEventListParams{OrganizationID: b.org, Received: storage.TimeRange{Since: now.Add(time.Hour)}}))
	require.Len(t, list(storage.InboundEventListParams{OrganizationID: b.org, Received: storage.TimeRange{Until: now.Add(time.Hour)}}), 3)
}

func testInboundDeleteBefore(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	mustRecord(t, b, recordParams(b.org, in.ID, inboundInput("1", "email.bounced", nil), inboundInput("2", "email.bounced", nil)))
	n, err := b.store.InboundEventDeleteBefore(b.ctx, b.store.Now().Add(-time.Hour), 10)
	require.NoError(t, err)
	require.Zero(t, n, "recent events stay")
	n, err = b.store.InboundEventDeleteBefore(b.ctx, b.store.Now().Add(time.Hour), 1)
	require.NoError(t, err)
	require.Equal(t, 1, n, "at most limit")
	n, err = b.store.InboundEventDeleteBefore(b.ctx, b.store.Now().Add(time.Hour), 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	r := mustRecord(t, b, recordParams(b.org, in.ID, inboundInput("1", "email.bounced", nil)))
	require.Len(t, r.Inserted, 1, "an event whose row went is stored again")
}

func testInboundInvalid(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	long := make([]byte, storage.KeyMaxLen+1)
	for i := range long {
		long[i] = 'k'
	}
	requireInvalid(t, []badCase{
		{"nil create", "InboundEndpointCreateParams", func() error { _, err := b.store.InboundEndpointCreate(b.ctx, nil); return err }},
		{"empty token", "InboundEndpointCreateParams.Token", func() error {
			_, err := b.store.InboundEndpointCreate(b.ctx, inboundEndpointParams(b.org, in.ID, ""))
			return err
		}},
		{"token without hash", "InboundEndpointUpdateParams.Token", func() error {
			tok := "t"
			_, err := b.store.InboundEndpointUpdate(b.ctx, &storage.InboundEndpointUpdateParams{OrganizationID: b.org, IntegrationID: in.ID, Token: &tok})
			return err
		}},
		{"nil record", "InboundRecordParams", func() error { _, err := b.store.InboundEventRecord(b.ctx, nil); return err }},
		{"nil event", "InboundRecordParams.Events", func() error {
			_, err := b.store.InboundEventRecord(b.ctx, recordParams(b.org, in.ID, nil))
			return err
		}},
		{"empty event ID", "InboundRecordParams.Events.EventID", func() error {
			_, err := b.store.InboundEventRecord(b.ctx, recordParams(b.org, in.ID, inboundInput("", "email.bounced", nil)))
			return err
		}},
		{"long event ID", "InboundRecordParams.Events.EventID", func() error {
			_, err := b.store.InboundEventRecord(b.ctx, recordParams(b.org, in.ID, inboundInput(string(long), "email.bounced", nil)))
			return err
		}},
		{"data not JSON", "InboundRecordParams.Events.Data", func() error {
			e := inboundInput("x", "email.bounced", nil)
			e.Data = json.RawMessage(`{bad`)
			_, err := b.store.InboundEventRecord(b.ctx, recordParams(b.org, in.ID, e))
			return err
		}},
		{"NUL in type", "InboundRecordParams.Events.Type", func() error {
			_, err := b.store.InboundEventRecord(b.ctx, recordParams(b.org, in.ID, inboundInput("x", withNUL, nil)))
			return err
		}},
		{"nil list", "InboundEventListParams", func() error { _, err := b.store.InboundEventList(b.ctx, nil); return err }},
		{"hash too long", "hash", func() error { _, err := b.store.InboundEndpointGetByTokenHash(b.ctx, megabyte); return err }},
	})
	page, err := b.store.InboundEventList(b.ctx, &storage.InboundEventListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Empty(t, page.Items, "nothing was written")
}

func testDLQCount(t *testing.T, b *bundle) {
	one := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Name = "one" })
	two := mustCreateWebhook(t, b, b.org, func(p *storage.WebhookCreateParams) { p.Name = "two" })
	other := mustCreateWebhook(t, b, b.other)
	mustDeadLetter(t, b, b.org, one.ID, 3)
	mustDeadLetter(t, b, b.org, two.ID, 1)
	mustDeadLetter(t, b, b.other, other.ID, 2)
	for _, c := range []struct {
		org, webhook uuid.UUID
		want         int
	}{{b.org, uuid.Nil, 4}, {b.org, one.ID, 3}, {b.org, two.ID, 1}, {b.other, uuid.Nil, 2}, {b.org, other.ID, 0}, {NewOrgID(), uuid.Nil, 0}} {
		n, err := b.store.DLQCount(b.ctx, c.org, c.webhook)
		require.NoError(t, err)
		require.Equal(t, c.want, n, fmt.Sprintf("org %s webhook %s", c.org, c.webhook))
	}
}

func inboundPager() *pager {
	return &pager{
		seed: func(t *testing.T, b *bundle, org uuid.UUID, n int) []key {
			in := mustCreateIntegration(t, b, org)
			ps := recordParams(org, in.ID)
			for i := range n {
				ps.Events = append(ps.Events, inboundInput(fmt.Sprintf("ev-%d", i), "email.opened", nil))
			}
			r := mustRecord(t, b, ps)
			keys := make([]key, 0, n)
			for _, e := range r.Inserted {
				keys = append(keys, key{e.ReceivedAt, e.ID})
			}
			return keys
		},
		list: func(b *bundle, org uuid.UUID, limit int, cursor string) ([]key, string, error) {
			p, err := b.store.InboundEventList(b.ctx, &storage.InboundEventListParams{OrganizationID: org, Limit: limit, Cursor: cursor})
			return pageKeys(p, err, func(e *storage.InboundEvent) key { return key{e.ReceivedAt, e.ID} })
		},
	}
}
