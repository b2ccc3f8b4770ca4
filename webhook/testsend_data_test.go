package webhook_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// TestTestSendData sends an edited payload (the §12 debugger): the receiver
// gets the caller's data in the usual envelope, signed with the secret.
func TestTestSendData(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) { testSendData(t, setup(t, be, nil)) })
}

func testSendData(t *testing.T, b *bundle) {
	s, err := b.d.SubscriptionCreate(b.ctx, &webhook.SubscriptionCreateParams{OrganizationID: b.org, Name: "edited",
		URL: b.rcv.URL + "/hooks/edited", Events: []string{webhook.EventJobUpdated}})
	require.NoError(t, err)

	res, err := b.d.TestSendData(b.ctx, b.org, s.ID, webhook.EventJobUpdated, json.RawMessage(`{"job_id":"JOB-7","bill_rate":99.5}`))
	require.NoError(t, err)
	require.True(t, res.OK())
	reqs := b.rcv.Requests()
	require.Len(t, reqs, 1)
	var p webhook.Payload
	require.NoError(t, json.Unmarshal(reqs[0].Body, &p))
	require.Equal(t, webhook.EventJobUpdated, p.Event)
	require.JSONEq(t, `{"job_id":"JOB-7","bill_rate":99.5}`, string(p.Data))
	require.NoError(t, webhook.Verify(s.Secret, reqs[0].Header, reqs[0].Body, nil))

	_, err = b.d.TestSendData(b.ctx, b.org, s.ID, "no.such", json.RawMessage(`{}`))
	require.ErrorIs(t, err, webhook.ErrUnknownEvent)
	_, err = b.d.TestSendData(b.ctx, b.org, s.ID, webhook.EventJobUpdated, json.RawMessage(`{"a":`))
	require.Error(t, err)
	_, err = b.d.TestSendData(b.ctx, b.org, s.ID, webhook.EventJobUpdated, json.RawMessage(`{"a":"\u0000"}`))
	require.ErrorIs(t, err, webhook.ErrPayloadUnstorable)
	_, err = b.d.TestSendData(b.ctx, uuid.New(), s.ID, webhook.EventJobUpdated, json.RawMessage(`{}`))
	require.ErrorIs(t, err, storage.ErrNotFound, "another organization's subscription")
	require.Len(t, b.rcv.Requests(), 1, "refused sends reach nobody")
}
