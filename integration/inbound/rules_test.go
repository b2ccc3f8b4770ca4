package inbound_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/storage"
)

// bounces is a SendGrid batch of n bounces at time at.
func bounces(at time.Time, prefix string, n int) []byte {
	evs := make([]string, n)
	for i := range evs {
		evs[i] = fmt.Sprintf(`{"email":"r%d@example.com","timestamp":%d,"event":"bounce","sg_event_id":"%s-%d","type":"bounce"}`,
			i, at.Unix(), prefix, i)
	}
	return []byte("[" + strings.Join(evs, ",") + "]")
}

// TestBounceRateAlert checks the "bounce rate far above normal" alert: a
// burst of bounces against the hour's sends, far above the integration's
// 7-day normal, raises one alert (critical from 10%), bumped rather than
// repeated, at most once a minute; an integration whose rate is normal
// raises none.
func TestBounceRateAlert(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		e := setup(t, b, nil)
		now := e.clock.Now()
		hour := now.Truncate(time.Hour)
		count := func(in *storage.Integration, metric string, at time.Time, n int64) {
			_, err := e.store.MetricAdd(e.ctx, &storage.MetricAddParams{OrganizationID: e.org, IntegrationID: in.ID,
				Metric: metric, BucketStart: at, Count: n})
			require.NoError(t, err)
		}
		hot, hotEP := e.sendgrid(t, e.org)
		count(hot, "call.email.send", hour.Add(-72*time.Hour), 1000)
		count(hot, "inbound.email.bounced", hour.Add(-72*time.Hour), 5) // normal: 0.5%
		count(hot, "call.email.send", hour, 100)
		calm, calmEP := e.sendgrid(t, e.org)
		count(calm, "call.email.send", hour, 1000)

		body := bounces(now, "calm", 20) // 2% of 1,000: under the 5% floor
		requireAccepted(t, post(t, calmEP.URL, e.sgKey.Sign(t, now, body), body), 20, 20, 0, 0)
		body = bounces(now, "hot", 20) // 20% of 100, 40 times normal
		requireAccepted(t, post(t, hotEP.URL, e.sgKey.Sign(t, now, body), body), 20, 20, 0, 0)

		alerts := func() []*storage.Alert {
			page, err := e.store.AlertList(e.ctx, &storage.AlertListParams{OrganizationID: e.org})
			require.NoError(t, err)
			return page.Items
		}
		as := alerts()
		require.Len(t, as, 1, "the calm integration raised none")
		a := as[0]
		require.Equal(t, hot.ID, a.IntegrationID)
		require.Equal(t, "inbound.bounce_rate."+hot.ID.String(), a.DedupKey)
		require.Equal(t, storage.AlertCritical, a.Severity)
		require.Equal(t, "High bounce rate: "+hot.Name, a.Title)
		require.Equal(t, "20 bounces of 100 emails (20%) in the last hour; normal: 0.5%", a.Message)
		require.Contains(t, a.Impact, "Emails may stop sending")

		body = bounces(now, "hot2", 5)
		requireAccepted(t, post(t, hotEP.URL, e.sgKey.Sign(t, now, body), body), 5, 5, 0, 0)
		require.Equal(t, 1, alerts()[0].Count, "evaluated at most once a minute")

		e.clock.Advance(2 * time.Minute)
		now = e.clock.Now()
		body = bounces(now, "hot3", 5)
		requireAccepted(t, post(t, hotEP.URL, e.sgKey.Sign(t, now, body), body), 5, 5, 0, 0)
		as = alerts()
		require.Len(t, as, 1, "one open alert, bumped")
		require.Equal(t, 2, as[0].Count)
		require.Equal(t, "30 bounces of 100 emails (30%) in the last hour; normal: 0.5%", as[0].Message)
	})
}
