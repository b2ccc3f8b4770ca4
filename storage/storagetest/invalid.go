package storagetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

func invalidTests() []test {
	return []test{
		{"BadTextRefusedAlikeNothingWritten", testInvalidWrites},
		{"BadFiltersAndLookupsRefused", testInvalidFilters},
		{"NilParamsRefused", testInvalidNil},
		{"WebhookSecretMustBeBase64", testInvalidSecret},
		{"JSONBEdgesAcceptedAndRefusedAlike", testInvalidJSONB},
	}
}

// Bad input every store must refuse alike: PostgreSQL's TEXT refuses NUL
// bytes and invalid UTF-8, its B-tree a megabyte key, its VARCHAR(n)
// longer text; SQLite takes all of them unless the store checks first.
var (
	withNUL  = "bad\x00text"
	badUTF8  = "bad\xfftext"
	megabyte = strings.Repeat("k", 1<<20)
)

// badCase is one call that must fail with an [*storage.InvalidError]
// naming field.
type badCase struct {
	name, field string
	call        func() error
}

// requireInvalid runs the cases; each must be ErrInvalid, name its field
// and not quote the value.
func requireInvalid(t *testing.T, cases []badCase) {
	t.Helper()
	for _, c := range cases {
		err := c.call()
		require.ErrorIs(t, err, storage.ErrInvalid, c.name)
		var ie *storage.InvalidError
		require.ErrorAs(t, err, &ie, c.name)
		require.Equal(t, c.field, ie.Field, c.name)
		require.NotContains(t, err.Error(), "bad", "%s: the error quotes the value", c.name)
		require.Less(t, len(err.Error()), 400, c.name)
	}
}

// fixtures are the rows the bad calls aim at.
type fixtures struct {
	in *storage.Integration
	w  *storage.Webhook
	d  *storage.Delivery
}

func newFixtures(t *testing.T, b *bundle) fixtures {
	in := mustCreateIntegration(t, b, b.org)
	w := mustCreateWebhook(t, b, b.org)
	return fixtures{in: in, w: w, d: mustInsertDeliveries(t, b, b.org, w.ID, 1)[0]}
}

func testInvalidWrites(t *testing.T, b *bundle) {
	f := newFixtures(t, b)
	var cases []badCase
	cases = append(cases, integrationCases(b)...)
	cases = append(cases, webhookCases(b, f)...)
	cases = append(cases, deliveryCases(b, f)...)
	cases = append(cases, featureCases(b, f)...)
	requireInvalid(t, cases)

	// Nothing was written: only the fixtures are there, unchanged.
	its, err := b.store.IntegrationList(b.ctx, &storage.IntegrationListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, its.Items, 1)
	requireIntegration(t, f.in, its.Items[0])
	whs, err := b.store.WebhookList(b.ctx, &storage.WebhookListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Len(t, whs.Items, 1)
	requireWebhook(t, f.w, whs.Items[0])
	require.Equal(t, []uuid.UUID{f.d.ID}, listDeliveryIDs(t, b, &storage.DeliveryListParams{OrganizationID: b.org}))
	requireDelivery(t, f.d, mustGetDelivery(t, b, b.org, f.d.ID))
	logs, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Empty(t, logs.Items)
	alerts, err := b.store.AlertList(b.ctx, &storage.AlertListParams{OrganizationID: b.org})
	require.NoError(t, err)
	require.Empty(t, alerts.Items)
	tokens, err := b.store.APITokenList(b.ctx, b.org)
	require.NoError(t, err)
	require.Empty(t, tokens)
}

func integrationCases(b *bundle) []badCase {
	create := func(edit func(*storage.IntegrationCreateParams)) func() error {
		return func() error {
			p := integrationParams(b.org)
			edit(p)
			_, err := b.store.IntegrationCreate(b.ctx, p)
			return err
		}
	}
	const f = "IntegrationCreateParams."
	return []badCase{
		{"name with NUL", f + "Name", create(func(p *storage.IntegrationCreateParams) { p.Name = withNUL })},
		{"name not UTF-8", f + "Name", create(func(p *storage.IntegrationCreateParams) { p.Name = badUTF8 })},
		{"name of 1 MiB", f + "Name", create(func(p *storage.IntegrationCreateParams) { p.Name = megabyte })},
		{"name of 101 characters", f + "Name", create(func(p *storage.IntegrationCreateParams) {
			p.Name = strings.Repeat("é", storage.NameMaxLen+1)
		})},
		{"type of 51 characters", f + "Type", create(func(p *storage.IntegrationCreateParams) {
			p.Type = strings.Repeat("t", storage.TypeMaxLen+1)
		})},
		{"provider with NUL", f + "Provider", create(func(p *storage.IntegrationCreateParams) { p.Provider = withNUL })},
		{"config not JSON", f + "Config", create(func(p *storage.IntegrationCreateParams) {
			p.Config = json.RawMessage(`apiKey=SG.x`)
		})},
		{"unknown status", f + "Status", create(func(p *storage.IntegrationCreateParams) { p.Status = "broken" })},
		{"retry policy beyond numeric", f + "RetryPolicy", create(func(p *storage.IntegrationCreateParams) {
			p.RetryPolicy = json.RawMessage(`{"max_attempts":1e999999}`)
		})},
		{"update config not JSON", "IntegrationUpdateParams.Config", func() error {
			_, err := b.store.IntegrationUpdate(b.ctx, &storage.IntegrationUpdateParams{OrganizationID: b.org,
				ID: uuid.New(), Config: json.RawMessage(`{"apiKey":`)})
			return err
		}},
		{"update error message with NUL", "IntegrationUpdateParams.ErrorMessage", func() error {
			_, err := b.store.IntegrationUpdate(b.ctx, &storage.IntegrationUpdateParams{OrganizationID: b.org,
				ID: uuid.New(), ErrorMessage: &withNUL})
			return err
		}},
	}
}

func webhookCases(b *bundle, fx fixtures) []badCase {
	create := func(edit func(*storage.WebhookCreateParams)) func() error {
		return func() error {
			p := webhookParams(b.org)
			edit(p)
			_, err := b.store.WebhookCreate(b.ctx, p)
			return err
		}
	}
	const f = "WebhookCreateParams."
	return []badCase{
		{"webhook name with NUL", f + "Name", create(func(p *storage.WebhookCreateParams) { p.Name = withNUL })},
		{"webhook name of 1 MiB", f + "Name", create(func(p *storage.WebhookCreateParams) { p.Name = megabyte })},
		{"webhook URL not UTF-8", f + "URL", create(func(p *storage.WebhookCreateParams) { p.URL = badUTF8 })},
		{"event with NUL", f + "Events", create(func(p *storage.WebhookCreateParams) { p.Events = []string{"a", withNUL} })},
		{"unknown webhook status", f + "Status", create(func(p *storage.WebhookCreateParams) { p.Status = "paused" })},
		{"disabled reason with NUL", "WebhookUpdateParams.DisabledReason", func() error {
			_, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: fx.w.ID,
				DisabledReason: &withNUL})
			return err
		}},
	}
}

func deliveryCases(b *bundle, fx fixtures) []badCase {
	insert := func(edit func(*storage.DeliveryInsertParams)) func() error {
		return func() error {
			ok, bad := deliveryParams(b.org, fx.w.ID), deliveryParams(b.org, fx.w.ID)
			edit(bad)
			_, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{ok, bad})
			return err
		}
	}
	const f = "DeliveryInsertParams."
	claim := uuid.New()
	return []badCase{
		{"idempotency key of 1 MiB", f + "IdempotencyKey", insert(func(p *storage.DeliveryInsertParams) { p.IdempotencyKey = megabyte })},
		{"idempotency key with NUL", f + "IdempotencyKey", insert(func(p *storage.DeliveryInsertParams) { p.IdempotencyKey = withNUL })},
		{"idempotency key not UTF-8", f + "IdempotencyKey", insert(func(p *storage.DeliveryInsertParams) { p.IdempotencyKey = badUTF8 })},
		{"event type with NUL", f + "EventType", insert(func(p *storage.DeliveryInsertParams) { p.EventType = withNUL })},
		{"payload not JSON", f + "Payload", insert(func(p *storage.DeliveryInsertParams) { p.Payload = json.RawMessage(`{"a":`) })},
		{"payload empty", f + "Payload", insert(func(p *storage.DeliveryInsertParams) { p.Payload = nil })},
		{"payload not UTF-8", f + "Payload", insert(func(p *storage.DeliveryInsertParams) {
			p.Payload = json.RawMessage("{\"s\":\"\xff\"}")
		})},
		{"attempt beyond int32", f + "AttemptNumber", insert(func(p *storage.DeliveryInsertParams) { p.AttemptNumber = 1 << 40 })},
		{"update body with NUL", "DeliveryUpdateParams.ResponseBody", func() error {
			_, err := b.store.DeliveryUpdate(b.ctx, &storage.DeliveryUpdateParams{OrganizationID: b.org, ID: fx.d.ID,
				ResponseBody: &withNUL})
			return err
		}},
		{"finish body not UTF-8", "DeliveryFinishParams.ResponseBody", func() error {
			_, err := b.store.DeliveryFinish(b.ctx, &storage.DeliveryFinishParams{OrganizationID: b.org, ID: fx.d.ID,
				ClaimID: claim, Status: storage.DeliveryFailed, ResponseBody: badUTF8})
			return err
		}},
		{"finish batch error with NUL", "DeliveryFinishParams.ErrorMessage", func() error {
			errs, err := b.store.DeliveryFinishBatch(b.ctx, []*storage.DeliveryFinishParams{{OrganizationID: b.org,
				ID: fx.d.ID, ClaimID: claim, Status: storage.DeliveryFailed, ErrorMessage: withNUL}})
			if err != nil {
				return err
			}
			return errs[0]
		}},
		{"dead letter reason with NUL", "DLQAddParams.Reason", func() error {
			_, err := b.store.DLQAdd(b.ctx, &storage.DLQAddParams{OrganizationID: b.org, WebhookID: fx.w.ID,
				DeliveryID: fx.d.ID, Reason: withNUL})
			return err
		}},
	}
}

func featureCases(b *bundle, fx fixtures) []badCase {
	logWith := func(edit func(*storage.LogInsertParams)) func() error {
		return func() error {
			ok, bad := logParams(b.org, fx.in.ID, baseTime, "ok"), logParams(b.org, fx.in.ID, baseTime, "bad")
			edit(bad)
			return b.store.LogInsert(b.ctx, []*storage.LogInsertParams{ok, bad})
		}
	}
	alertWith := func(edit func(*storage.AlertRaiseParams)) func() error {
		return func() error {
			p := alertParams(b.org, fx.in.ID, "dedup")
			edit(p)
			_, err := b.store.AlertRaise(b.ctx, p)
			return err
		}
	}
	return []badCase{
		{"log message with NUL", "LogInsertParams.Message", logWith(func(p *storage.LogInsertParams) { p.Message = withNUL })},
		{"log message not UTF-8", "LogInsertParams.Message", logWith(func(p *storage.LogInsertParams) { p.Message = badUTF8 })},
		{"log details with \\u0000", "LogInsertParams.Details", logWith(func(p *storage.LogInsertParams) {
			p.Details = json.RawMessage(`{"s":"a\u0000b"}`)
		})},
		{"log details beyond numeric", "LogInsertParams.Details", logWith(func(p *storage.LogInsertParams) {
			p.Details = json.RawMessage(`{"n":1e999999}`)
		})},
		{"unknown log level", "LogInsertParams.Level", logWith(func(p *storage.LogInsertParams) { p.Level = "trace" })},
		{"alert title with NUL", "AlertRaiseParams.Title", alertWith(func(p *storage.AlertRaiseParams) { p.Title = withNUL })},
		{"alert impact not UTF-8", "AlertRaiseParams.Impact", alertWith(func(p *storage.AlertRaiseParams) { p.Impact = badUTF8 })},
		{"alert key of 1 MiB", "AlertRaiseParams.DedupKey", alertWith(func(p *storage.AlertRaiseParams) { p.DedupKey = megabyte })},
		{"unknown severity", "AlertRaiseParams.Severity", alertWith(func(p *storage.AlertRaiseParams) { p.Severity = "fatal" })},
		{"metric with NUL", "MetricAddParams.Metric", func() error {
			_, err := b.store.MetricAdd(b.ctx, &storage.MetricAddParams{OrganizationID: b.org, IntegrationID: fx.in.ID,
				Metric: withNUL, BucketStart: baseTime, Count: 1})
			return err
		}},
		{"token hash of 1 MiB", "APITokenCreateParams.Hash", func() error {
			_, err := b.store.APITokenCreate(b.ctx, &storage.APITokenCreateParams{OrganizationID: b.org, Name: "t",
				Prefix: "itk", Hash: megabyte})
			return err
		}},
		{"token type of 21 characters", "OAuthTokenCreateParams.TokenType", func() error {
			p := oauthTokenParams(b.org, fx.in.ID)
			p.TokenType = strings.Repeat("b", storage.TokenTypeMaxLen+1)
			_, err := b.store.OAuthTokenCreate(b.ctx, p)
			return err
		}},
		{"state hash with NUL", "OAuthState.StateHash", func() error {
			st := oauthState(b.org, fx.in.ID, baseTime.Add(time.Hour))
			st.StateHash = withNUL
			return b.store.OAuthStateCreate(b.ctx, st)
		}},
	}
}

// testInvalidFilters: list filters and lookups with text no row can hold
// are refused, not answered with nothing on one store and a database error
// on the other.
func testInvalidFilters(t *testing.T, b *bundle) {
	org := b.org
	requireInvalid(t, []badCase{
		{"delivery event type with NUL", "DeliveryListParams.EventType", func() error {
			_, err := b.store.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: org, EventType: withNUL})
			return err
		}},
		{"delivery statuses not UTF-8", "DeliveryListParams.Statuses", func() error {
			_, err := b.store.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: org,
				Statuses: []storage.DeliveryStatus{storage.DeliveryDLQ, storage.DeliveryStatus(badUTF8)}})
			return err
		}},
		{"webhook event with NUL", "WebhookListParams.Event", func() error {
			_, err := b.store.WebhookList(b.ctx, &storage.WebhookListParams{OrganizationID: org, Event: withNUL})
			return err
		}},
		{"log search not UTF-8", "LogListParams.Search", func() error {
			_, err := b.store.LogList(b.ctx, &storage.LogListParams{OrganizationID: org, Search: badUTF8})
			return err
		}},
		{"integration type with NUL", "IntegrationListParams.Type", func() error {
			_, err := b.store.IntegrationList(b.ctx, &storage.IntegrationListParams{OrganizationID: org, Type: withNUL})
			return err
		}},
		{"alert statuses with NUL", "AlertListParams.Statuses", func() error {
			_, err := b.store.AlertList(b.ctx, &storage.AlertListParams{OrganizationID: org,
				Statuses: []storage.AlertStatus{storage.AlertStatus(withNUL)}})
			return err
		}},
		{"metric with NUL", "MetricListParams.Metric", func() error {
			_, err := b.store.MetricList(b.ctx, &storage.MetricListParams{OrganizationID: org, Metric: withNUL})
			return err
		}},
		{"cursor not a cursor", "Cursor", func() error {
			_, err := b.store.DeliveryList(b.ctx, &storage.DeliveryListParams{OrganizationID: org, Cursor: withNUL})
			return err
		}},
		{"token hash with NUL", "hash", func() error { _, err := b.store.APITokenGetByHash(b.ctx, withNUL); return err }},
		{"token hash of 1 MiB", "hash", func() error { _, err := b.store.APITokenGetByHash(b.ctx, megabyte); return err }},
		{"state hash not UTF-8", "stateHash", func() error { _, err := b.store.OAuthStateConsume(b.ctx, badUTF8); return err }},
		{"state hash of 1 MiB", "stateHash", func() error { _, err := b.store.OAuthStateConsume(b.ctx, megabyte); return err }},
	})
}

// testInvalidNil: nil parameters are errors, not panics.
func testInvalidNil(t *testing.T, b *bundle) {
	requireInvalid(t, []badCase{
		{"nil webhook", "WebhookCreateParams", func() error { _, err := b.store.WebhookCreate(b.ctx, nil); return err }},
		{"nil webhook update", "WebhookUpdateParams", func() error { _, err := b.store.WebhookUpdate(b.ctx, nil); return err }},
		{"nil integration", "IntegrationCreateParams", func() error { _, err := b.store.IntegrationCreate(b.ctx, nil); return err }},
		{"nil delivery list", "DeliveryListParams", func() error { _, err := b.store.DeliveryList(b.ctx, nil); return err }},
		{"nil DLQ list", "DLQListParams", func() error { _, err := b.store.DLQList(b.ctx, nil); return err }},
		{"nil delivery in a batch", "DeliveryInsertParams", func() error {
			_, err := b.store.DeliveryInsert(b.ctx, []*storage.DeliveryInsertParams{nil})
			return err
		}},
		{"nil log in a batch", "LogInsertParams", func() error {
			return b.store.LogInsert(b.ctx, []*storage.LogInsertParams{nil})
		}},
		{"nil claim", "DeliveryClaimParams", func() error { _, err := b.store.DeliveryClaim(b.ctx, nil); return err }},
		{"nil finish", "DeliveryFinishParams", func() error { _, err := b.store.DeliveryFinish(b.ctx, nil); return err }},
		{"nil refresh function", "fn", func() error {
			_, err := b.store.OAuthTokenRefresh(b.ctx, b.org, uuid.New(), nil)
			return err
		}},
	})
}

// testInvalidSecret: a webhook secret is base64 of 24 to 64 bytes, with or
// without whsec_, as the Standard Webhooks signature decodes it; text that
// is not would sign with its raw bytes, which no receiver reproduces.
func testInvalidSecret(t *testing.T, b *bundle) {
	w := mustCreateWebhook(t, b, b.org)
	create := func(secret string) func() error {
		return func() error {
			p := webhookParams(b.org)
			p.Secret = secret
			_, err := b.store.WebhookCreate(b.ctx, p)
			return err
		}
	}
	update := func(current, previous *string) func() error {
		return func() error {
			_, err := b.store.WebhookUpdate(b.ctx, &storage.WebhookUpdateParams{OrganizationID: b.org, ID: w.ID,
				Secret: current, PreviousSecret: previous})
			return err
		}
	}
	text, short := "bad plain-text secret", "YmFkIHNob3J0" // "bad short"
	const f = "WebhookCreateParams.Secret"
	requireInvalid(t, []badCase{
		{"plain text", f, create(text)},
		{"empty", f, create("")},
		{"whsec_ alone", f, create("whsec_")},
		{"too short", f, create(short)},
		{"too long", f, create(strings.Repeat("A", 88))}, // 66 bytes
		{"URL alphabet", f, create("3q2-7wQ7yG0aZp1bX9cKdLmNoPqRsTuV")},
		{"line break", f, create("cGxhaW50ZXh0LXdlYmhv\nb2stc2VjcmV0")},
		{"update to plain text", "WebhookUpdateParams.Secret", update(&text, nil)},
		{"previous plain text", "WebhookUpdateParams.PreviousSecret", update(nil, &text)},
	})
	requireWebhook(t, w, mustGetWebhook(t, b, b.org, w.ID))
	for _, ok := range []string{NewSecret(), "whsec_" + NewSecret(), strings.Repeat("A", 86) + "==" /* 64 bytes */} {
		_, err := b.store.WebhookCreate(b.ctx, &storage.WebhookCreateParams{OrganizationID: b.org, Name: uuid.NewString(),
			URL: "https://example.com/h", Secret: ok, Events: []string{"job.created"}})
		require.NoError(t, err, ok)
	}
}

// testInvalidJSONB: JSON stored as jsonb (log details, retry policies)
// holds what PostgreSQL's jsonb holds, on every store: the edges of
// numeric's range are accepted, what lies beyond is refused.
func testInvalidJSONB(t *testing.T, b *bundle) {
	in := mustCreateIntegration(t, b, b.org)
	accepted := []string{`{"n":1e131071}`, `{"n":-9.9e131071}`, `{"n":1e-16383}`, `{"n":0e999999}`,
		`{"s":"\ud83d\ude00 \\u0000"}`, `[0.5,-0,1E+2,123.456e-7]`}
	refused := []string{`{"n":1e131072}`, `{"n":1.0e-16383}`, `{"n":0e-99999}`, `{"n":1e2147483647}`,
		`{"s":"\ud800"}`, `{"s":"\udc00\ud800"}`, `{"s":"\u0000"}`}
	for _, d := range accepted {
		p := logParams(b.org, in.ID, baseTime, d)
		p.Details = json.RawMessage(d)
		require.NoError(t, b.store.LogInsert(b.ctx, []*storage.LogInsertParams{p}), d)
	}
	for _, d := range refused {
		p := logParams(b.org, in.ID, baseTime, d)
		p.Details = json.RawMessage(d)
		require.ErrorIs(t, b.store.LogInsert(b.ctx, []*storage.LogInsertParams{p}), storage.ErrInvalid, d)
	}
	logs := listLogs(t, b, &storage.LogListParams{OrganizationID: b.org})
	require.Len(t, logs, len(accepted))
}
