package inbound_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/integration/inbound"
	"github.com/intimeos/integrations/storage"
)

// TestEndpointURL checks the URL the admin gives the provider: the base
// URL, the provider and an unguessable token; made once, kept, replaced
// by a rotation (the old URL then answers 404), and only for providers
// that receive events.
func TestEndpointURL(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		in, ep := e.sendgrid(t, e.org)
		prefix := e.srv.URL + "/api/webhooks/sendgrid/"
		require.True(t, strings.HasPrefix(ep.URL, prefix), ep.URL)
		token := strings.TrimPrefix(ep.URL, prefix)
		require.Len(t, token, 43, "32 random bytes")
		require.NotContains(t, ep.URL, in.ID.String(), "the URL names no integration")
		require.NotContains(t, ep.URL, e.org.String(), "nor organization")
		require.Equal(t, inbound.Categories(), ep.Categories, "every box checked at first")
		require.Equal(t, ep.URL, e.endpoint(t, e.org, in.ID).URL, "the same URL every time")
		require.Equal(t, ep.URL, inbound.URL(e.srv.URL+"/api/webhooks/", "sendgrid", token))

		_, other := e.sendgrid(t, e.org)
		require.NotEqual(t, ep.URL, other.URL)

		rotated, err := e.rcv.EndpointRotate(e.ctx, e.org, in.ID)
		require.NoError(t, err)
		require.NotEqual(t, ep.URL, rotated.URL)
		now := e.clock.Now()
		batch := sendgridBatch(now, "rot")
		require.Equal(t, http.StatusNotFound, post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch).status, "the old URL is gone")
		requireAccepted(t, post(t, rotated.URL, e.sgKey.Sign(t, now, batch), batch), 3, 3, 0, 0)

		smtpIn := e.integration(t, e.org, integration.TypeEmail, "smtp", map[string]string{})
		_, err = e.rcv.Endpoint(e.ctx, e.org, smtpIn.ID)
		require.ErrorIs(t, err, inbound.ErrNoEvents)
		_, err = e.rcv.Endpoint(e.ctx, uuid.New(), in.ID)
		require.ErrorIs(t, err, storage.ErrNotFound, "another organization's integration")

		ses := "ses"
		_, err = e.store.IntegrationUpdate(e.ctx, &storage.IntegrationUpdateParams{OrganizationID: e.org, ID: in.ID, Provider: &ses})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, post(t, rotated.URL, e.sgKey.Sign(t, now, batch), batch).status,
			"the integration's provider changed: its SendGrid URL no longer reaches it")
		moved := e.endpoint(t, e.org, in.ID)
		require.True(t, strings.HasPrefix(moved.URL, e.srv.URL+"/api/webhooks/ses/"))
		require.NotEqual(t, strings.TrimPrefix(rotated.URL, prefix), strings.TrimPrefix(moved.URL, e.srv.URL+"/api/webhooks/ses/"),
			"with a new token")
	})
}

// TestTenantIsolation checks that nothing in a URL reaches another
// organization's integration: a token names one integration, and pairing
// it with another provider, or guessing, finds nothing.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		orgA, orgB := e.org, uuid.New()
		inA, epA := e.sendgrid(t, orgA)
		inB, epB := e.checkr(t, orgB)
		now := e.clock.Now()
		batch := sendgridBatch(now, "iso")
		tokenA := epA.URL[strings.LastIndex(epA.URL, "/")+1:]
		tokenB := epB.URL[strings.LastIndex(epB.URL, "/")+1:]
		base := e.srv.URL + "/api/webhooks/"
		for name, url := range map[string]string{
			"A's token under B's provider": base + "checkr/" + tokenA,
			"B's token under A's provider": base + "sendgrid/" + tokenB,
			"a guessed token":              base + "sendgrid/" + strings.Repeat("A", 43),
			"a token of the wrong form":    base + "sendgrid/" + tokenA[:42],
			"an integration ID":            base + "sendgrid/" + inA.ID.String(),
			"nothing":                      base + "sendgrid/",
		} {
			a := post(t, url, e.sgKey.Sign(t, now, batch), batch)
			require.Equal(t, http.StatusNotFound, a.status, name)
			require.JSONEq(t, `{"error":"unknown endpoint"}`, a.body, name)
		}
		e.nothingRecorded(t, orgA, inA.ID)
		e.nothingRecorded(t, orgB, inB.ID)

		requireAccepted(t, post(t, epA.URL, e.sgKey.Sign(t, now, batch), batch), 3, 3, 0, 0)
		page, err := e.rcv.EventList(e.ctx, &storage.InboundEventListParams{OrganizationID: orgB})
		require.NoError(t, err)
		require.Empty(t, page.Items, "A's events are A's")
	})
}

// TestCategories checks the §4 checkboxes: an unchecked category's events
// are acknowledged and dropped; events of no category are kept.
func TestCategories(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		in, _ := e.sendgrid(t, e.org)
		ep, err := e.rcv.CategoriesSet(e.ctx, e.org, in.ID, []inbound.Category{inbound.CategoryOpens, inbound.CategoryBounces,
			inbound.CategoryBounces})
		require.NoError(t, err)
		require.Equal(t, []inbound.Category{inbound.CategoryBounces, inbound.CategoryOpens}, ep.Categories, "the form's order, once each")
		_, err = e.rcv.CategoriesSet(e.ctx, e.org, in.ID, []inbound.Category{"bounces", "spam"})
		require.ErrorContains(t, err, `unknown event category "spam"`)
		require.Equal(t, ep.Categories, e.endpoint(t, e.org, in.ID).Categories, "an invalid choice changes nothing")

		now := e.clock.Now()
		batch := sendgridBatch(now, "cat") // a bounce, an open, a delivery
		requireAccepted(t, post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch), 3, 2, 0, 1)
		require.Equal(t, []string{"email.bounced", "email.opened"}, types(e.events(t, e.org, in.ID)))
		require.NotContains(t, e.metrics(t, e.org, in.ID), "inbound.email.delivered", "an ignored event is not counted")

		for typ, want := range map[string]inbound.Category{"email.bounced": inbound.CategoryBounces,
			"email.dropped": inbound.CategoryBounces, "email.complained": inbound.CategorySpamReports,
			"email.unsubscribed": inbound.CategoryUnsubscribes, "email.clicked": inbound.CategoryClicks} {
			got, ok := inbound.CategoryOf(typ)
			require.True(t, ok, typ)
			require.Equal(t, want, got, typ)
		}
		_, ok := inbound.CategoryOf("sms.delivered")
		require.False(t, ok, "SMS statuses have no checkbox: always kept")
		require.Equal(t, "Spam Reports", inbound.CategorySpamReports.Label())
	})
}

// TestAnswers checks the answers other than acceptance and signatures:
// only POST, a bounded body, a disabled integration acknowledged but not
// recorded, a provider that cannot verify (no key configured) answered 400,
// and a provider that is not installed 503 so that the provider retries.
func TestAnswers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, &opts{config: func(c *inbound.Config) { c.MaxBody = 2048 }})
		in, ep := e.sendgrid(t, e.org)
		now := e.clock.Now()
		batch := sendgridBatch(now, "ans")

		resp, err := http.Get(ep.URL)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
		require.Equal(t, http.MethodPost, resp.Header.Get("Allow"))

		big := make([]byte, 4096)
		a := post(t, ep.URL, e.sgKey.Sign(t, now, big), big)
		require.Equal(t, http.StatusRequestEntityTooLarge, a.status)
		require.JSONEq(t, `{"error":"Request payload too large (max 2 KB)"}`, a.body)

		disabled := storage.IntegrationDisabled
		_, err = e.store.IntegrationUpdate(e.ctx, &storage.IntegrationUpdateParams{OrganizationID: e.org, ID: in.ID, Status: &disabled})
		require.NoError(t, err)
		requireAccepted(t, post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch), 3, 0, 0, 3)
		require.Equal(t, http.StatusUnauthorized, post(t, ep.URL, http.Header{}, batch).status,
			"a disabled integration still refuses unsigned requests")
		e.nothingRecorded(t, e.org, in.ID)

		noKey := e.integration(t, e.org, integration.TypeEmail, "sendgrid", map[string]string{"apiKey": "SG.k",
			"fromEmail": "noreply@intime.example", "fromName": "InTime"})
		epNoKey := e.endpoint(t, e.org, noKey.ID)
		a = post(t, epNoKey.URL, e.sgKey.Sign(t, now, batch), batch)
		require.Equal(t, http.StatusBadRequest, a.status, "no verification key: nothing can be verified")
		require.JSONEq(t, `{"error":"request not accepted"}`, a.body, "the answer does not say why")
		e.nothingRecorded(t, e.org, noKey.ID)

		// A provider this host has not installed (a plugin not loaded
		// here): a deployment problem, not the request's, so 503.
		mailgun := e.integration(t, e.org, integration.TypeEmail, "mailgun", map[string]string{})
		token := strings.Repeat("m", 42) + "A"
		sum := sha256.Sum256([]byte(token))
		_, err = e.store.InboundEndpointCreate(e.ctx, &storage.InboundEndpointCreateParams{OrganizationID: e.org,
			IntegrationID: mailgun.ID, Provider: "mailgun", Token: token, TokenHash: hex.EncodeToString(sum[:])})
		require.NoError(t, err)
		a = post(t, inbound.URL(e.srv.URL+"/api/webhooks", "mailgun", token), http.Header{}, []byte("{}"))
		require.Equal(t, http.StatusServiceUnavailable, a.status)
		require.Equal(t, "30", a.header.Get("Retry-After"))
		require.JSONEq(t, `{"error":"temporarily unavailable; retry later"}`, a.body)
	})
}
