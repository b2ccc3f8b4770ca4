package checkr_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/checkr"
)

// TestWebhook is the must-show for webhooks: a bad signature is refused as
// an auth failure; good ones become normalised events.
func TestWebhook(t *testing.T) {
	t.Parallel()
	s := providers.Settings{checkr.FieldAPIKey: keyGood}
	at := time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)
	invitation := `{"id":"evt_2","type":"invitation.completed","created_at":"2024-05-01T10:30:00Z",
		"data":{"object":{"id":"inv_1","object":"invitation","status":"completed","candidate_id":"cand_1","report_id":"rpt_1","package":"driver_pro"}}}`
	candidate := `{"id":"evt_3","type":"candidate.created","created_at":"2024-05-01T10:30:00Z",
		"data":{"object":{"id":"cand_1","object":"candidate","email":"ada@example.com"}}}`
	suspended := `{"id":"evt_4","type":"report.suspended","created_at":"2024-05-01T10:30:00Z",
		"data":{"object":{"id":"rpt_1","object":"report","status":"suspended","result":null,"candidate_id":"cand_1"}}}`
	tests := []struct {
		name string
		req  *providers.WebhookRequest
		want []providers.Event
		kind providers.Kind
	}{
		{name: "report completed", req: signed(reportCompleted, keyGood), want: []providers.Event{{ID: "evt_1",
			Type: checkr.EventCompleted, Time: at, Data: json.RawMessage(`{"checkrType":"report.completed",` +
				`"reportId":"rpt_clear","candidateId":"cand_fixture","status":"complete","result":"clear","package":"driver_pro"}`)}}},
		{name: "invitation completed", req: signed(invitation, keyGood), want: []providers.Event{{ID: "evt_2",
			Type: checkr.EventInvitationCompleted, Time: at, Data: json.RawMessage(`{"checkrType":"invitation.completed",` +
				`"reportId":"rpt_1","candidateId":"cand_1","invitationId":"inv_1","status":"completed","package":"driver_pro"}`)}}},
		{name: "candidate created", req: signed(candidate, keyGood), want: []providers.Event{{ID: "evt_3",
			Type: checkr.EventCandidateCreated, Time: at, Data: json.RawMessage(`{"checkrType":"candidate.created","candidateId":"cand_1"}`)}}},
		{name: "report suspended", req: signed(suspended, keyGood), want: []providers.Event{{ID: "evt_4",
			Type: checkr.EventSuspended, Time: at, Data: json.RawMessage(`{"checkrType":"report.suspended",` +
				`"reportId":"rpt_1","candidateId":"cand_1","status":"suspended"}`)}}},
		{name: "unmapped type", req: signed(`{"id":"evt_5","type":"account.credentialed","data":{"object":{}}}`, keyGood),
			want: []providers.Event{}},
		{name: "signed with another key", req: signed(reportCompleted, "test_other"), kind: providers.KindAuth},
		{name: "no signature", req: &providers.WebhookRequest{Header: http.Header{}, Body: []byte(reportCompleted)},
			kind: providers.KindAuth},
		{name: "not hex", req: &providers.WebhookRequest{Header: http.Header{checkr.SignatureHeader: {"zz"}},
			Body: []byte(reportCompleted)}, kind: providers.KindAuth},
		{name: "tampered body", req: &providers.WebhookRequest{Header: signed(reportCompleted, keyGood).Header,
			Body: []byte(reportCompleted + " ")}, kind: providers.KindAuth},
		{name: "nil request", req: nil, kind: providers.KindAuth},
		{name: "signed garbage", req: signed(`not json`, keyGood), kind: providers.KindInvalidInput},
	}
	p := checkr.New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			evs, err := p.HandleWebhook(t.Context(), s, tt.req)
			if tt.kind != providers.KindUnknown {
				require.Equal(t, tt.kind, providers.KindOf(err), "%v", err)
				require.Nil(t, evs)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, evs)
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"evt_1"}`)
	sig := checkr.Sign(body, "key")
	require.Len(t, sig, 64)
	require.NoError(t, checkr.Verify(body, sig, "key"))
	require.ErrorIs(t, checkr.Verify(body, sig, ""), checkr.ErrSignature)
	require.ErrorIs(t, checkr.Verify(body, sig[:62], "key"), checkr.ErrSignature)
	require.ErrorIs(t, checkr.Verify(body, "", "key"), checkr.ErrSignature)
}

func FuzzVerify(f *testing.F) {
	f.Add([]byte(reportCompleted), "4f2a", "key")
	f.Add([]byte{}, "", "")
	f.Fuzz(func(t *testing.T, body []byte, sig, key string) {
		err := checkr.Verify(body, sig, key)
		if key != "" && sig == checkr.Sign(body, key) {
			require.NoError(t, err)
		}
		if key != "" {
			require.NoError(t, checkr.Verify(body, checkr.Sign(body, key), key))
		}
	})
}
