package apiaccess_test

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/apiaccess"
)

// tally follows one limit's window across hosts: what was admitted, and for
// each refusal how much of the budget was left unadmitted then.
type tally struct {
	t      *testing.T
	name   string
	limit  int
	margin int
	// admitted in the current window; refusedWithRoom counts refusals
	// while room was left (each within margin).
	admitted, refused, refusedWithRoom int
}

func (ta *tally) admit() {
	ta.admitted++
	require.LessOrEqual(ta.t, ta.admitted, ta.limit, "%s: never more admitted than the limit", ta.name)
}

func (ta *tally) refuse() {
	ta.refused++
	room := ta.limit - ta.admitted
	require.LessOrEqual(ta.t, room, ta.margin, "%s: refused with %d of %d left, margin %d", ta.name, room, ta.limit, ta.margin)
	if room > 0 {
		ta.refusedWithRoom++
	}
}

// report logs the figures and checks that the budget was used up to the
// margin (traffic went on past the limit on every host).
func (ta *tally) report() {
	ta.t.Logf("%s: limit %d, admitted %d, refused %d, refused while room left %d (margin %d)",
		ta.name, ta.limit, ta.admitted, ta.refused, ta.refusedWithRoom, ta.margin)
	require.GreaterOrEqual(ta.t, ta.admitted, ta.limit-ta.margin, "%s: budget used up to the margin", ta.name)
	require.Positive(ta.t, ta.refused, "%s: driven past the limit", ta.name)
}

// send sends a request through host and returns the response; a 429 must
// name limit and carry the §16 message with a Retry-After of retry seconds.
func send(t *testing.T, h *host, token string) *http.Response {
	t.Helper()
	return h.do(http.MethodGet, "/api/jobs/7", token).Result()
}

func requireRefused(t *testing.T, resp *http.Response, limit apiaccess.Limit, retry int) {
	t.Helper()
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.Equal(t, strconv.Itoa(retry), resp.Header.Get("Retry-After"))
	var body errorBody
	decodeBody(t, resp, &body)
	require.Equal(t, "rate_limited", body.Error)
	require.Equal(t, "Rate limit exceeded. Retry in "+strconv.Itoa(retry)+" seconds.", body.Message)
	require.Equal(t, limit.String(), body.Limit)
	require.Equal(t, retry, body.RetryAfter)
	require.Equal(t, "0", resp.Header.Get(apiaccess.HeaderRemaining))
}

// TestLimitsShared drives two hosts, each a Service on its own pool, past
// the per-minute, per-hour and per-organization limits on one database.
func TestLimitsShared(t *testing.T) {
	t.Parallel()
	t.Run("TokenMinute", func(t *testing.T) { t.Parallel(); eachBackend(t, testLimitTokenMinute) })
	t.Run("TokenHour", func(t *testing.T) { t.Parallel(); eachBackend(t, testLimitTokenHour) })
	t.Run("OrgHour", func(t *testing.T) { t.Parallel(); eachBackend(t, testLimitOrgHour) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); eachBackend(t, testLimitConcurrent) })
}

func testLimitTokenMinute(t *testing.T, db *database) {
	b := setup(t, db, 2, nil)
	tok := b.mustToken(t, b.org, nil)
	cfg := &apiaccess.Config{}
	ta := &tally{t: t, name: "token_minute", limit: 100, margin: cfg.Margin(100, 2)}
	require.Equal(t, 5, ta.margin)
	for i := range 160 {
		resp := send(t, b.hosts[i%2], tok.Secret)
		if resp.StatusCode == http.StatusOK {
			ta.admit()
			continue
		}
		// 10:30:15: the minute frees in 45 s.
		requireRefused(t, resp, apiaccess.LimitTokenMinute, 45)
		ta.refuse()
	}
	ta.report()

	// Retry-After is when the window frees: a second before, still refused
	// on both hosts; at that time, admitted again.
	b.clock.Advance(44 * time.Second)
	for _, h := range b.hosts {
		requireRefused(t, send(t, h, tok.Secret), apiaccess.LimitTokenMinute, 1)
	}
	b.clock.Advance(time.Second)
	for _, h := range b.hosts {
		resp := send(t, h, tok.Secret)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "100", resp.Header.Get(apiaccess.HeaderLimit))
		require.Equal(t, "token_minute", resp.Header.Get(apiaccess.HeaderResource))
		require.Equal(t, strconv.FormatInt(b.clock.Now().Add(time.Minute).Unix(), 10), resp.Header.Get(apiaccess.HeaderReset))
	}
}

func testLimitTokenHour(t *testing.T, db *database) {
	b := setup(t, db, 2, nil)
	tok := b.mustToken(t, b.org, nil)
	cfg := &apiaccess.Config{}
	hour := &tally{t: t, name: "token_hour", limit: 1000, margin: cfg.Margin(1000, 2)}
	require.Equal(t, 50, hour.margin)
	for minute := range 12 {
		perMin := &tally{t: t, name: "token_minute", limit: 100, margin: cfg.Margin(100, 2)}
		for i := range 110 {
			resp := send(t, b.hosts[(i+minute)%2], tok.Secret)
			if resp.StatusCode == http.StatusOK {
				perMin.admit()
				hour.admit()
				continue
			}
			var body errorBody
			decodeBody(t, resp, &body)
			switch body.Limit {
			case "token_minute":
				perMin.refuse()
			case "token_hour":
				hour.refuse()
				// The hour frees at 11:00; the minute may be spent too, and
				// frees sooner.
				wait := int(time.Date(2024, 12, 4, 11, 0, 0, 0, time.UTC).Sub(b.clock.Now()) / time.Second)
				require.Equal(t, wait, body.RetryAfter)
			default:
				t.Fatalf("refused by %q", body.Limit)
			}
		}
		b.clock.Advance(time.Minute)
	}
	hour.report()

	b.clock.Set(time.Date(2024, 12, 4, 10, 59, 59, 0, time.UTC))
	require.Equal(t, http.StatusTooManyRequests, send(t, b.hosts[0], tok.Secret).StatusCode)
	b.clock.Set(time.Date(2024, 12, 4, 11, 0, 0, 0, time.UTC))
	require.Equal(t, http.StatusOK, send(t, b.hosts[1], tok.Secret).StatusCode, "a new hour")
}

func testLimitOrgHour(t *testing.T, db *database) {
	b := setup(t, db, 2, nil)
	var secrets []string
	for range 3 { // each token may make 5,000 an hour; together they meet the org's 10,000
		secrets = append(secrets, b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) {
			p.PerMinute, p.PerHour = 5000, 5000
		}).Secret)
	}
	other := b.mustToken(t, newOrg(), nil)
	cfg := &apiaccess.Config{}
	org := &tally{t: t, name: "org_hour", limit: 10000, margin: cfg.Margin(10000, 2)}
	require.Equal(t, 100, org.margin)
	for i := range 10400 {
		resp := send(t, b.hosts[i%2], secrets[i%3])
		if resp.StatusCode == http.StatusOK {
			org.admit()
			continue
		}
		requireRefused(t, resp, apiaccess.LimitOrgHour, 29*60+45) // 10:30:15 to 11:00
		org.refuse()
	}
	org.report()
	require.Equal(t, http.StatusOK, send(t, b.hosts[0], other.Secret).StatusCode, "another organization is not held to this one's limit")
}

// testLimitConcurrent sends from many goroutines on both hosts at once.
func testLimitConcurrent(t *testing.T, db *database) {
	b := setup(t, db, 2, nil)
	tok := b.mustToken(t, b.org, nil)
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 25 {
				switch code := b.hosts[g%2].do(http.MethodGet, "/api/jobs/1", tok.Secret).Code; code {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusTooManyRequests:
					refused.Add(1)
				default:
					t.Errorf("status %d", code)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("concurrent: admitted %d, refused %d", ok.Load(), refused.Load())
	require.LessOrEqual(t, ok.Load(), int64(100))
	require.GreaterOrEqual(t, ok.Load(), int64(100-(&apiaccess.Config{}).Margin(100, 2)))
}

// TestLeaseGivenBack: budget a host leased and did not use goes back to the
// store when the host stops, or when it sits idle, for other hosts to use
// in the same window.
func TestLeaseGivenBack(t *testing.T) {
	t.Parallel()
	for _, stop := range []bool{true, false} {
		name := map[bool]string{true: "OnStop", false: "WhenIdle"}[stop]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			eachBackend(t, func(t *testing.T, db *database) {
				// Leases of half the limit: the first host holds much of it.
				b := setup(t, db, 2, &apiaccess.Config{LeaseShare: 0.5, FlushInterval: 10 * time.Millisecond})
				a, other := b.hosts[0], b.hosts[1]
				// An hour's budget, so the clock can move on while the
				// other host asks again every second (Recheck).
				tok := b.mustToken(t, b.org, func(p *apiaccess.TokenCreateParams) { p.PerMinute, p.PerHour = 1000, 20 })
				admitted := 0
				for range 6 {
					require.Equal(t, http.StatusOK, send(t, a, tok.Secret).StatusCode)
					admitted++
				}
				for send(t, other, tok.Secret).StatusCode == http.StatusOK {
					admitted++
				}
				held := 20 - admitted
				t.Logf("the first host holds %d unused", held)
				require.Positive(t, held, "the other host was refused while the first held budget")

				if stop {
					require.NoError(t, a.svc.Stop(b.ctx))
					b.clock.Advance(time.Second) // past Recheck: the other host asks again
				} else {
					require.NoError(t, a.svc.Start(b.ctx))
					b.clock.Advance(5 * time.Second) // IdleReturn
					require.Eventually(t, func() bool {
						if send(t, other, tok.Secret).StatusCode == http.StatusOK {
							return true
						}
						b.clock.Advance(time.Second)
						return false
					}, 10*time.Second, 10*time.Millisecond)
					admitted++
				}
				for send(t, other, tok.Secret).StatusCode == http.StatusOK {
					admitted++
				}
				require.Equal(t, 20, admitted, "all of the window's budget was used, none twice")
			})
		})
	}
}
