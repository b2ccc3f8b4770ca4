package inbound_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/checkr"
)

// checkrReport is Checkr's report.completed event created at at.
func checkrReport(id string, at time.Time) []byte {
	return []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":"report.completed","created_at":%q,
	"data":{"object":{"id":"rpt_clear","object":"report","status":"complete","result":"clear","package":"driver_pro",
	"candidate_id":"cand_1"}}}`, id, at.UTC().Format(time.RFC3339)))
}

func checkrHeader(body []byte, key string) http.Header {
	return http.Header{checkr.SignatureHeader: {checkr.Sign(body, key)}, "Content-Type": {"application/json"}}
}

// TestCheckrReportEvent is the must-show for Checkr, with the provider in
// process and as a plugin: a signed report event reaches the Receiver over
// HTTP, is verified, stored once however often it is sent, logged and
// counted; one signed with another key, and a replay of an event older
// than Config.MaxEventAge, are refused 401 with nothing recorded.
func TestCheckrReportEvent(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"in process", "plugin"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			eachBackend(t, func(t *testing.T, b backend) {
				o := &opts{}
				if mode == "plugin" {
					o.register = func(t *testing.T, e *env) {
						_, err := e.host.LoadSelf(t.Context(), checkr.Name, nil)
						require.NoError(t, err)
					}
				}
				e := setup(t, b, o)
				in, ep := e.checkr(t, e.org)
				now := e.clock.Now()

				body := checkrReport("evt_1", now.Add(-time.Hour))
				require.Equal(t, http.StatusUnauthorized, post(t, ep.URL, checkrHeader(body, "test_other"), body).status)
				old := checkrReport("evt_old", now.Add(-8*24*time.Hour))
				a := post(t, ep.URL, checkrHeader(old, checkrKey), old)
				require.Equal(t, http.StatusUnauthorized, a.status, "a validly signed event older than 7 days is a replay")
				e.nothingRecorded(t, e.org, in.ID)

				requireAccepted(t, post(t, ep.URL, checkrHeader(body, checkrKey), body), 1, 1, 0, 0)
				requireAccepted(t, post(t, ep.URL, checkrHeader(body, checkrKey), body), 1, 0, 1, 0)
				evs := e.events(t, e.org, in.ID)
				require.Len(t, evs, 1, "sent twice, stored once")
				require.Equal(t, checkr.EventCompleted, evs[0].Type)
				require.Equal(t, "evt_1", evs[0].ProviderEventID)
				require.JSONEq(t, `{"checkrType":"report.completed","reportId":"rpt_clear","candidateId":"cand_1",
					"status":"complete","result":"clear","package":"driver_pro"}`, string(evs[0].Data))
				require.Equal(t, []string{"Background check completed: rpt_clear clear"}, e.logs(t, e.org, in.ID))
				require.Equal(t, map[string]int64{"inbound.background_check.completed": 1}, e.metrics(t, e.org, in.ID))
			})
		})
	}
}
