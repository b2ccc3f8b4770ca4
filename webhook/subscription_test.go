package webhook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

func TestSubscriptionFieldRules(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		valid := func() *webhook.SubscriptionCreateParams {
			return &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: "Job Created - Zapier",
				URL: "https://hooks.zapier.com/hooks/catch/1", Events: []string{webhook.EventJobCreated}}
		}
		tests := []struct {
			name   string
			edit   func(p *webhook.SubscriptionCreateParams)
			field  string
			expect string
		}{
			{"name empty", func(p *webhook.SubscriptionCreateParams) { p.Name = "" }, webhook.FieldName, "Webhook name is required"},
			{"name blank", func(p *webhook.SubscriptionCreateParams) { p.Name = "   " }, webhook.FieldName, "Webhook name is required"},
			{"name too long", func(p *webhook.SubscriptionCreateParams) { p.Name = strings.Repeat("n", 101) }, webhook.FieldName, webhook.MsgNameTooLong},
			{"url empty", func(p *webhook.SubscriptionCreateParams) { p.URL = "" }, webhook.FieldURL, "Webhook URL is required"},
			{"url invalid", func(p *webhook.SubscriptionCreateParams) { p.URL = "not a url" }, webhook.FieldURL, "Please enter a valid HTTPS URL"},
			{"url no host", func(p *webhook.SubscriptionCreateParams) { p.URL = "https://" }, webhook.FieldURL, "Please enter a valid HTTPS URL"},
			{"url ftp", func(p *webhook.SubscriptionCreateParams) { p.URL = "ftp://example.com/x" }, webhook.FieldURL, "Please enter a valid HTTPS URL"},
			{"url port", func(p *webhook.SubscriptionCreateParams) { p.URL = "https://example.com:99999/x" }, webhook.FieldURL, "Please enter a valid HTTPS URL"},
			{"url invalid UTF-8", func(p *webhook.SubscriptionCreateParams) { p.URL = "https://example.com/\xff" }, webhook.FieldURL, "Please enter a valid HTTPS URL"},
			{"url NUL", func(p *webhook.SubscriptionCreateParams) { p.URL = "https://example.com/a\x00b" }, webhook.FieldURL, "Please enter a valid HTTPS URL"},
			{"url credentials", func(p *webhook.SubscriptionCreateParams) { p.URL = "https://alice:pw@example.com/x" }, webhook.FieldURL, "Please enter a valid HTTPS URL"},
			{"name NUL", func(p *webhook.SubscriptionCreateParams) { p.Name = "nul\x00name" }, webhook.FieldName, webhook.MsgNameInvalid},
			{"name invalid UTF-8", func(p *webhook.SubscriptionCreateParams) { p.Name = "bad\xffname" }, webhook.FieldName, webhook.MsgNameInvalid},
			{"url http", func(p *webhook.SubscriptionCreateParams) { p.URL = "http://example.com/hook" }, webhook.FieldURL, "Webhook URLs must use HTTPS for security"},
			{"url too long", func(p *webhook.SubscriptionCreateParams) {
				p.URL = "https://example.com/" + strings.Repeat("a", 2048)
			}, webhook.FieldURL, webhook.MsgURLTooLong},
			{"events empty", func(p *webhook.SubscriptionCreateParams) { p.Events = nil }, webhook.FieldEvents, "Please select at least one event to subscribe to"},
			{"event unknown", func(p *webhook.SubscriptionCreateParams) { p.Events = []string{"job.exploded"} }, webhook.FieldEvents, "Unknown event type: job.exploded"},
			{"policy invalid", func(p *webhook.SubscriptionCreateParams) {
				pol := retry.DefaultPolicy()
				pol.MaxRetries = 11
				p.RetryPolicy = &pol
			}, retry.FieldMaxRetries, "Maximum retry count is 10"},
		}
		for _, tt := range tests {
			p := valid()
			tt.edit(p)
			_, err := b.d.SubscriptionCreate(b.ctx, p)
			var ve *webhook.ValidationError
			require.ErrorAs(t, err, &ve, tt.name)
			require.Equal(t, tt.expect, ve.Field(tt.field), tt.name)
			require.Len(t, ve.Fields, 1, tt.name)
		}

		p := valid()
		p.Name = strings.Repeat("n", 100)
		p.URL = "https://example.com/" + strings.Repeat("é", 2048-len("https://example.com/"))
		_, err := b.d.SubscriptionCreate(b.ctx, p)
		require.NoError(t, err, "100-character name and 2048-character URL are accepted (characters, not bytes)")
		p = valid()
		p.Name = "  " + strings.Repeat("m", 100) + "  "
		created, err := b.d.SubscriptionCreate(b.ctx, p)
		require.NoError(t, err, "the limit applies to the name as stored, trimmed")
		require.Equal(t, strings.Repeat("m", 100), created.Name)

		_, err = b.d.SubscriptionCreate(b.ctx, valid())
		require.NoError(t, err)
		_, err = b.d.SubscriptionCreate(b.ctx, valid())
		var ve *webhook.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "A webhook with this name already exists", ve.Field(webhook.FieldName))

		other := valid()
		other.OrganizationID[0] ^= 0xff
		_, err = b.d.SubscriptionCreate(b.ctx, other)
		require.NoError(t, err, "names are unique per organization only")

		_, err = b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org})
		require.ErrorAs(t, err, &ve)
		require.Equal(t, map[string]string{webhook.FieldName: webhook.MsgNameRequired,
			webhook.FieldURL: webhook.MsgURLRequired, webhook.FieldEvents: webhook.MsgEventsRequired}, ve.Fields,
			"every invalid field is reported at once")
	})
}

func TestSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := setup(t, be, nil)
		s := b.subscribe(t, "lifecycle", webhook.EventJobCreated, webhook.EventJobClosed, webhook.EventJobCreated)
		require.Len(t, s.Secret, 32, "the secret is shown once in full")
		require.Equal(t, []string{webhook.EventJobCreated, webhook.EventJobClosed}, s.Events, "events are de-duplicated")
		require.Equal(t, storage.WebhookActive, s.Status)

		got, err := b.d.SubscriptionGet(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Empty(t, got.Secret, "the secret is never shown again")
		require.Equal(t, "••••••••"+s.Secret[28:], got.SecretMasked)

		name, url := "renamed", b.rcv.URL+"/other"
		pol := retry.DefaultPolicy()
		pol.MaxRetries = 5
		up, err := b.d.SubscriptionUpdate(b.ctx, &webhook.SubscriptionUpdateParams{OrganizationID: b.org, ID: s.ID,
			Name: &name, URL: &url, Events: []string{webhook.EventUserCreated}, RetryPolicy: &pol})
		require.NoError(t, err)
		require.Equal(t, name, up.Name)
		require.Equal(t, url, up.URL)
		require.Equal(t, []string{webhook.EventUserCreated}, up.Events)
		require.Equal(t, 5, up.RetryPolicy.MaxRetries)

		empty := ""
		_, err = b.d.SubscriptionUpdate(b.ctx, &webhook.SubscriptionUpdateParams{OrganizationID: b.org, ID: s.ID, Name: &empty})
		var ve *webhook.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, webhook.MsgNameRequired, ve.Field(webhook.FieldName))

		up, err = b.d.SubscriptionUpdate(b.ctx, &webhook.SubscriptionUpdateParams{OrganizationID: b.org, ID: s.ID, ResetRetryPolicy: true})
		require.NoError(t, err)
		require.Nil(t, up.RetryPolicy, "reset returns to the organization default")

		dis, err := b.d.SubscriptionDisable(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Equal(t, storage.WebhookDisabled, dis.Status)
		en, err := b.d.SubscriptionEnable(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Equal(t, storage.WebhookActive, en.Status)

		page, err := b.d.SubscriptionList(b.ctx, &webhook.SubscriptionListParams{OrganizationID: b.org})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		require.Empty(t, page.Items[0].Secret)

		_, err = b.d.SubscriptionGet(b.ctx, [16]byte{1}, s.ID)
		require.ErrorIs(t, err, storage.ErrNotFound, "another organization cannot see it")
		require.NoError(t, b.d.SubscriptionDelete(b.ctx, b.org, s.ID))
		_, err = b.d.SubscriptionGet(b.ctx, b.org, s.ID)
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}

func TestSubscriptionSecretRegenerate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		clk := newClock()
		b := setup(t, be, &webhook.Config{Clock: clk.Now})
		s := b.subscribe(t, "rotate")
		rs, err := b.d.SubscriptionSecretRegenerate(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Len(t, rs.Secret, 32)
		require.NotEqual(t, s.Secret, rs.Secret)
		require.NotNil(t, rs.PreviousSecretExpiresAt)
		require.WithinDuration(t, clk.Now().Add(24*time.Hour), *rs.PreviousSecretExpiresAt, time.Second)

		// Both secrets sign during the overlap.
		res, err := b.d.TestSend(b.ctx, b.org, s.ID, nil)
		require.NoError(t, err)
		require.True(t, res.OK())
		req := b.rcv.Requests()[0]
		require.Len(t, req.Header.Values(webhook.HeaderSignature), 1, "one header line, as proxies would fold two")
		require.Equal(t, []string{independentInTime(rs.Secret, req.Body), independentInTime(s.Secret, req.Body)},
			strings.Split(req.Header.Get(webhook.HeaderSignature), ", "), "newest first")
		require.Len(t, strings.Fields(req.Header.Get(webhook.HeaderWebhookSignature)), 2)
		verify := &webhook.VerifyOpts{Now: clk.Now}
		inTime := &webhook.VerifyOpts{Now: clk.Now, Scheme: webhook.SchemeInTime}
		for _, o := range []*webhook.VerifyOpts{verify, inTime} {
			require.NoError(t, webhook.Verify(s.Secret, req.Header, req.Body, o), "old secret still verifies")
			require.NoError(t, webhook.Verify(rs.Secret, req.Header, req.Body, o), "new secret verifies")
		}

		// After the overlap only the new secret signs.
		clk.Advance(24*time.Hour + time.Second)
		got, err := b.d.SubscriptionGet(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Nil(t, got.PreviousSecretExpiresAt)
		_, err = b.d.TestSend(b.ctx, b.org, s.ID, nil)
		require.NoError(t, err)
		req = b.rcv.Requests()[1]
		require.Equal(t, []string{independentInTime(rs.Secret, req.Body)}, req.Header.Values(webhook.HeaderSignature))
		require.ErrorIs(t, webhook.Verify(s.Secret, req.Header, req.Body, verify), webhook.ErrInvalidSignature)
		require.NoError(t, webhook.Verify(rs.Secret, req.Header, req.Body, verify))

		// Regenerating twice within the overlap (a double click) keeps the
		// secret receivers have, with its expiry.
		r1, err := b.d.SubscriptionSecretRegenerate(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		clk.Advance(time.Minute)
		r2, err := b.d.SubscriptionSecretRegenerate(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Equal(t, r1.PreviousSecretExpiresAt, r2.PreviousSecretExpiresAt, "the predecessor's expiry stands")
		_, err = b.d.TestSend(b.ctx, b.org, s.ID, nil)
		require.NoError(t, err)
		req = b.rcv.Requests()[2]
		require.NoError(t, webhook.Verify(rs.Secret, req.Header, req.Body, verify), "the secret receivers had still verifies")
		require.NoError(t, webhook.Verify(r2.Secret, req.Header, req.Body, verify))
		require.ErrorIs(t, webhook.Verify(r1.Secret, req.Header, req.Body, verify), webhook.ErrInvalidSignature,
			"the one shown a minute ago is replaced")

		// Revoking (after a leak) ends the old secret at once, with the
		// overlap of a regeneration still running too.
		rv, err := b.d.SubscriptionSecretRevoke(b.ctx, b.org, s.ID)
		require.NoError(t, err)
		require.Len(t, rv.Secret, 32)
		require.Nil(t, rv.PreviousSecretExpiresAt)
		_, err = b.d.TestSend(b.ctx, b.org, s.ID, nil)
		require.NoError(t, err)
		req = b.rcv.Requests()[3]
		require.Equal(t, []string{independentInTime(rv.Secret, req.Body)}, req.Header.Values(webhook.HeaderSignature))
		require.NoError(t, webhook.Verify(rv.Secret, req.Header, req.Body, verify))
		require.ErrorIs(t, webhook.Verify(rs.Secret, req.Header, req.Body, verify), webhook.ErrInvalidSignature)
		require.ErrorIs(t, webhook.Verify(r2.Secret, req.Header, req.Body, verify), webhook.ErrInvalidSignature)
	})
}

// staleRead serves one stale read of a subscription: the one made before
// another admin's regeneration.
type staleRead struct {
	storage.Store
	stale *storage.Webhook
}

func (s *staleRead) WebhookGet(ctx context.Context, orgID, id uuid.UUID) (*storage.Webhook, error) {
	if w := s.stale; w != nil {
		s.stale = nil
		return w, nil
	}
	return s.Store.WebhookGet(ctx, orgID, id)
}

// TestSecretRegenerateRace: of two regenerations that read the same
// version, the later write fails with ErrSecretChanged instead of showing
// a secret that never signs (the earlier one's would have been lost).
func TestSecretRegenerateRace(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		st := &staleRead{Store: be.open(t)}
		d, err := webhook.New(st, nil)
		require.NoError(t, err)
		org := newOrg()
		s, err := d.SubscriptionCreate(t.Context(), &webhook.SubscriptionCreateParams{OrganizationID: org, Name: "race",
			URL: "https://example.com/hook", Events: []string{webhook.EventJobCreated}})
		require.NoError(t, err)
		before, err := st.Store.WebhookGet(t.Context(), org, s.ID)
		require.NoError(t, err)

		first, err := d.SubscriptionSecretRegenerate(t.Context(), org, s.ID)
		require.NoError(t, err)
		st.stale = before // the other admin read before the first wrote
		_, err = d.SubscriptionSecretRegenerate(t.Context(), org, s.ID)
		require.ErrorIs(t, err, webhook.ErrSecretChanged)
		now, err := st.Store.WebhookGet(t.Context(), org, s.ID)
		require.NoError(t, err)
		require.Equal(t, first.Secret, now.Secret, "the secret shown to the first admin signs")
	})
}
