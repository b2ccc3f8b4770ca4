package inbound_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/emailtest"
)

// sendgridBatch is a SendGrid Event Webhook batch at time at: a bounce, an
// open and a delivery.
func sendgridBatch(at time.Time, prefix string) []byte {
	ts := at.Unix()
	return []byte(fmt.Sprintf(`[
	{"email":"jane@example.com","timestamp":%[1]d,"event":"bounce","sg_event_id":"%[2]s-1","sg_message_id":"msg1.filter0001",
	 "reason":"550 5.1.1 The email account does not exist","status":"5.1.1","type":"bounce"},
	{"email":"bob@example.com","timestamp":%[1]d,"event":"open","sg_event_id":"%[2]s-2","sg_message_id":"msg2.filter0001"},
	{"email":"ann@example.com","timestamp":%[1]d,"event":"delivered","sg_event_id":"%[2]s-3","sg_message_id":"msg3.filter0001"}]`, ts, prefix))
}

// TestSendGridEventWebhook is the must-show for SendGrid: a signed Event
// Webhook batch reaches the Receiver over HTTP, is verified (ECDSA),
// stored, logged, counted and handed to the host as normalised events; the
// same batch again changes nothing; a batch signed with another key, a
// tampered one and one whose signature is too old are refused 401 with
// nothing recorded.
func TestSendGridEventWebhook(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		in, ep := e.sendgrid(t, e.org)
		now := e.clock.Now()
		batch := sendgridBatch(now.Add(-time.Minute), "sg")

		for name, req := range map[string]struct {
			header http.Header
			body   []byte
		}{
			"another key":         {emailtest.NewWebhookKey(t).Sign(t, now, batch), batch},
			"tampered":            {e.sgKey.Sign(t, now, batch), []byte(strings.Replace(string(batch), "jane@", "eve@", 1))},
			"no signature":        {http.Header{}, batch},
			"signed too long ago": {e.sgKey.Sign(t, now.Add(-10*time.Minute), batch), batch},
		} {
			a := post(t, ep.URL, req.header, req.body)
			require.Equal(t, http.StatusUnauthorized, a.status, name)
			require.JSONEq(t, `{"error":"signature missing or invalid"}`, a.body, name)
		}
		e.nothingRecorded(t, e.org, in.ID)

		a := post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch)
		requireAccepted(t, a, 3, 3, 0, 0)
		evs := e.events(t, e.org, in.ID)
		require.Equal(t, []string{"email.bounced", "email.opened", "email.delivered"}, types(evs))
		require.Equal(t, "sg-1", evs[0].ProviderEventID)
		require.JSONEq(t, `{"provider":"sendgrid","event":"bounce","email":"jane@example.com","providerMessageId":"msg1",
			"reason":"550 5.1.1 The email account does not exist","status":"5.1.1","bounceType":"bounce"}`, string(evs[0].Data))
		require.True(t, now.Add(-time.Minute).Equal(*evs[0].OccurredAt))
		require.Equal(t, map[string]int64{"inbound.email.bounced": 1, "inbound.email.opened": 1, "inbound.email.delivered": 1},
			e.metrics(t, e.org, in.ID))
		require.Equal(t, []string{"Email bounced: jane@example.com", "Received 2 events: 1 email.delivered, 1 email.opened"},
			e.logs(t, e.org, in.ID))
		batches := e.drain()
		require.Len(t, batches, 1)
		require.Equal(t, in.ID, batches[0].IntegrationID)
		require.Equal(t, evs[0].ID, batches[0].Events[0].ID, "the host sees the stored event")

		a = post(t, ep.URL, e.sgKey.Sign(t, now, batch), batch)
		requireAccepted(t, a, 3, 0, 3, 0)
		require.Len(t, e.events(t, e.org, in.ID), 3, "sent twice, stored once")
		require.Equal(t, int64(1), e.metrics(t, e.org, in.ID)["inbound.email.bounced"], "counted once")
		require.Len(t, e.logs(t, e.org, in.ID), 2, "logged once")
		require.Empty(t, e.drain(), "handed to the host once")

		st := e.rcv.Stats()
		require.Equal(t, int64(6), st.Requests)
		require.Equal(t, int64(4), st.Unauthorized)
		require.Equal(t, int64(3), st.Duplicates)
	})
}
