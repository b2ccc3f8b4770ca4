package inbound

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// normalWindow is the period an integration's normal rate is measured over:
// the 7 days before the rule's window, as the health screen's "normal"
// figures are (§5).
const normalWindow = 7 * 24 * time.Hour

// metricSends is the call path's metric of email sends.
const metricSends = integration.MetricCallPrefix + "email.send"

// RateRule alerts when an event type's share of an integration's emails is
// far above its normal ("bounce rate far above normal"): over the hourly
// buckets that Window overlaps, count / emails is at least Floor and at
// least Factor times the rate of the 7 days before. Emails are the
// integration's successful sends (the call path's "call.email.send"), or
// the delivered and bounced events if those are more (mail sent by other
// means). The alert is raised through Config.Alerts with the de-duplication
// key "inbound.<Name>.<integration ID>", so it is bumped, not repeated,
// while the rate stays high.
type RateRule struct {
	// Name keys the alert: "bounce_rate".
	Name string
	// Title heads the alert: "High bounce rate".
	Title string
	// Noun names the counted events in the message: "bounces".
	Noun string
	// Types are the event types counted: "email.bounced".
	Types []string
	// Window is the span measured (default 1 h).
	Window time.Duration
	// MinEmails is the fewest emails in the window for the rate to mean
	// anything (default 50).
	MinEmails int64
	// Floor is the lowest rate that alerts, Factor how many times the
	// normal rate it must be (default 3), and DefaultNormal the normal
	// rate when the 7 days before had fewer than MinEmails emails.
	Floor, Factor, DefaultNormal float64
	// Critical is the rate from which the alert is critical rather than a
	// warning.
	Critical float64
	// Impact says what is at stake.
	Impact string
}

// DefaultRules are the bounce and spam report rate alerts: bounces at 5% of
// the emails and three times normal (critical from 10%), spam reports at
// 0.1% and three times normal (critical from 0.5%), the levels at which the
// email providers start to review or pause a sender.
func DefaultRules() []RateRule {
	return []RateRule{
		{Name: "bounce_rate", Title: "High bounce rate", Noun: "bounces", Types: []string{"email.bounced"},
			Floor: 0.05, Factor: 3, DefaultNormal: 0.02, Critical: 0.10,
			Impact: "Emails may stop sending: providers pause senders whose bounce rate stays high"},
		{Name: "complaint_rate", Title: "High spam report rate", Noun: "spam reports", Types: []string{"email.complained"},
			Floor: 0.001, Factor: 3, DefaultNormal: 0.0005, Critical: 0.005,
			Impact: "Emails may go to spam or stop sending: providers pause senders with many spam reports"},
	}
}

func (r *RateRule) validate() error {
	if r.Name == "" || len(r.Types) == 0 || r.Floor <= 0 || r.Floor > 1 {
		return errors.New("inbound: a RateRule needs a Name, Types and a Floor in (0, 1]")
	}
	return nil
}

func (r *RateRule) withDefaults() RateRule {
	out := *r
	setDefault(&out.Window, time.Hour)
	if out.MinEmails <= 0 {
		out.MinEmails = 50
	}
	if out.Factor <= 0 {
		out.Factor = 3
	}
	if out.DefaultNormal <= 0 {
		out.DefaultNormal = out.Floor / out.Factor
	}
	if out.Critical <= 0 {
		out.Critical = 2 * out.Floor
	}
	return out
}

// counts are one period's figures.
type counts struct{ hits, sends, delivered, bounced int64 }

func (c counts) emails() int64 { return max(c.sends, c.delivered+c.bounced) }

// add adds a bucket to the period's counts for rule r.
func (c *counts) add(r *RateRule, m *storage.MetricBucket) {
	switch {
	case m.Metric == metricSends:
		c.sends += m.Count - m.Errors
	case m.Metric == MetricPrefix+"email.delivered":
		c.delivered += m.Count
	case m.Metric == MetricPrefix+"email.bounced":
		c.bounced += m.Count
	}
	for _, t := range r.Types {
		if m.Metric == MetricPrefix+t {
			c.hits += m.Count
		}
	}
}

// alerter evaluates the rules, at most once per integration per interval.
type alerter struct {
	rc   *Receiver
	mu   sync.Mutex
	last map[uuid.UUID]time.Time
}

// check evaluates the rules whose types are among types, unless the
// integration was evaluated within the interval. Failures are logged.
func (a *alerter) check(ctx context.Context, in *storage.Integration, types []string) {
	var rules []RateRule
	for _, r := range a.rc.cfg.Rules {
		if slices.ContainsFunc(r.Types, func(t string) bool { return slices.Contains(types, t) }) {
			rules = append(rules, r.withDefaults())
		}
	}
	now := a.rc.now()
	if len(rules) == 0 || !a.due(in.ID, now) {
		return
	}
	ms, err := a.rc.store.MetricList(ctx, &storage.MetricListParams{OrganizationID: in.OrganizationID, IntegrationID: in.ID,
		Time: storage.TimeRange{Since: now.Truncate(time.Hour).Add(-normalWindow - 24*time.Hour)}})
	if err != nil {
		a.rc.cfg.Logger.Warn("inbound: read metrics for rate alerts", "integration", in.ID, "err", err)
		return
	}
	for i := range rules {
		if err := a.evaluate(ctx, in, &rules[i], ms, now); err != nil {
			a.rc.cfg.Logger.Warn("inbound: raise rate alert", "integration", in.ID, "rule", rules[i].Name, "err", err)
		}
	}
}

func (a *alerter) due(id uuid.UUID, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if now.Sub(a.last[id]) < a.rc.cfg.AlertInterval {
		return false
	}
	a.last[id] = now
	if len(a.last) > 10_000 {
		for k, at := range a.last {
			if now.Sub(at) >= a.rc.cfg.AlertInterval {
				delete(a.last, k)
			}
		}
	}
	return true
}

// evaluate raises r's alert if its rate is far above normal.
func (a *alerter) evaluate(ctx context.Context, in *storage.Integration, r *RateRule, ms []*storage.MetricBucket, now time.Time) error {
	windowStart := now.Add(-r.Window).Truncate(time.Hour) // the first bucket the window overlaps
	var cur, normal counts
	for _, m := range ms {
		switch {
		case !m.BucketStart.Before(windowStart):
			cur.add(r, m)
		case !m.BucketStart.Before(windowStart.Add(-normalWindow)):
			normal.add(r, m)
		}
	}
	if cur.emails() < r.MinEmails {
		return nil
	}
	rate := float64(cur.hits) / float64(cur.emails())
	base := r.DefaultNormal
	if normal.emails() >= r.MinEmails {
		base = float64(normal.hits) / float64(normal.emails())
	}
	if rate < r.Floor || rate < r.Factor*base {
		return nil
	}
	sev := storage.AlertWarning
	if rate >= r.Critical {
		sev = storage.AlertCritical
	}
	_, err := a.rc.alerts.AlertRaise(ctx, &storage.AlertRaiseParams{OrganizationID: in.OrganizationID, IntegrationID: in.ID,
		DedupKey: "inbound." + r.Name + "." + in.ID.String(), Severity: sev, Title: r.Title + ": " + in.Name,
		Message: fmt.Sprintf("%d %s of %d emails (%s) in the last %s; normal: %s", cur.hits, r.Noun, cur.emails(),
			percent(rate), hours(r.Window), percent(base)),
		Impact: r.Impact})
	return err
}

// percent formats a rate as the screens do, to two decimals at most:
// "12.5%", "0.05%".
func percent(rate float64) string {
	return strconv.FormatFloat(math.Round(rate*10000)/100, 'f', -1, 64) + "%"
}

func hours(d time.Duration) string {
	if h := int(d / time.Hour); h > 1 {
		return strconv.Itoa(h) + " hours"
	}
	return "hour"
}
