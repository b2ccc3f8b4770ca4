package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/storage"
)

// orgPage is how many organizations one store read returns.
const orgPage = 500

// Evaluate runs the periodic rules once for every organization (Config.
// Organizations): slow responses, quota rejection bursts, credentials
// older than Config.CredentialsMaxAge and OAuth connections that need a
// reconnect. Each raises the alert of an integration that meets it and
// resolves the open one of an integration that no longer does. Start's
// loop runs it every Config.EvaluateInterval; tests call it directly. It
// needs Config.Manager; without one it does nothing.
func (e *Engine) Evaluate(ctx context.Context) error {
	if e.cfg.Manager == nil {
		return nil
	}
	var errs []error
	err := e.eachOrganization(ctx, func(org uuid.UUID) {
		if err := e.EvaluateOrganization(ctx, org); err != nil {
			errs = append(errs, fmt.Errorf("organization %s: %w", org, err))
		}
	})
	return errors.Join(append(errs, err)...)
}

func (e *Engine) eachOrganization(ctx context.Context, fn func(uuid.UUID)) error {
	if e.cfg.Organizations != nil {
		orgs, err := e.cfg.Organizations(ctx)
		for _, org := range orgs {
			fn(org)
		}
		return err
	}
	after := uuid.Nil
	for {
		orgs, err := e.store.AlertOrganizations(ctx, after, orgPage)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			fn(org)
		}
		if len(orgs) < orgPage {
			return nil
		}
		after = orgs[len(orgs)-1]
	}
}

// ruleRun is one organization's evaluation: what the rules found, against
// the alerts already open.
type ruleRun struct {
	org    uuid.UUID
	now    time.Time
	open   map[string]bool
	raise  []*storage.AlertRaiseParams
	active map[string]bool
}

func (r *ruleRun) add(p *storage.AlertRaiseParams) {
	p.OrganizationID = r.org
	r.raise = append(r.raise, p)
	r.active[p.DedupKey] = true
}

// EvaluateOrganization runs the periodic rules for one organization.
func (e *Engine) EvaluateOrganization(ctx context.Context, org uuid.UUID) error {
	if e.cfg.Manager == nil {
		return nil
	}
	ins, err := e.cfg.Manager.IntegrationList(ctx, org, "")
	if err != nil {
		return err
	}
	open, err := e.openKeys(ctx, org)
	if err != nil {
		return err
	}
	r := &ruleRun{org: org, now: e.now(), open: open, active: map[string]bool{}}
	byID := map[uuid.UUID]*integration.Integration{}
	for _, in := range ins {
		byID[in.ID] = in
		if in.Status == storage.IntegrationDisabled {
			continue
		}
		e.credentialsRule(r, in)
		if err := e.oauthRule(ctx, r, in); err != nil {
			return err
		}
	}
	if err := e.countingRules(ctx, r, byID); err != nil {
		return err
	}
	return e.apply(ctx, r)
}

// openKeys returns the de-duplication keys of the organization's open
// alerts that the periodic rules own.
func (e *Engine) openKeys(ctx context.Context, org uuid.UUID) (map[string]bool, error) {
	open := map[string]bool{}
	p := &storage.AlertListParams{OrganizationID: org, Statuses: []storage.AlertStatus{storage.AlertOpen}, Limit: storage.LimitMax}
	for {
		page, err := e.store.AlertList(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Items {
			if periodicKey(a.DedupKey) {
				open[a.DedupKey] = true
			}
		}
		if page.Next == "" {
			return open, nil
		}
		p.Cursor = page.Next
	}
}

func periodicKey(k string) bool {
	for _, prefix := range []string{KeySlow, KeyQuota, KeyCredentials, KeyOAuthReconnect} {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// apply raises what the rules found and resolves the open alerts they no
// longer find.
func (e *Engine) apply(ctx context.Context, r *ruleRun) error {
	var errs []error
	for _, p := range r.raise {
		if _, err := e.AlertRaise(ctx, p); err != nil {
			errs = append(errs, err)
		}
	}
	for key := range r.open {
		if !r.active[key] {
			if _, err := e.Resolve(ctx, r.org, key); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// credentialsRule: credentials older than Config.CredentialsMaxAge should
// be rotated. The SDK's own types (webhooks, API access, Zapier) have none
// here.
func (e *Engine) credentialsRule(r *ruleRun, in *integration.Integration) {
	if in.Provider == integration.ProviderInternal {
		return
	}
	since := e.cfg.CredentialsSince(in)
	age := r.now.Sub(since)
	if since.IsZero() || age < e.cfg.CredentialsMaxAge {
		return
	}
	days := int(age / (24 * time.Hour))
	r.add(&storage.AlertRaiseParams{IntegrationID: in.ID, DedupKey: KeyCredentials + in.ID.String(),
		Severity: storage.AlertWarning, Title: fmt.Sprintf("%s: Credentials are %d days old", in.Name, days),
		Message: fmt.Sprintf("The %s credentials were set %d days ago (over %d). Regenerate the key and save it.",
			in.ProviderName, days, int(e.cfg.CredentialsMaxAge/(24*time.Hour))),
		Impact: ImpactOf(in.Type) + " if they expire"})
}

// oauthRule: an OAuth connection whose refresh token was refused, or
// whose access token expired without one, needs the user to connect
// again ("Please reconnect your Google account", §16).
func (e *Engine) oauthRule(ctx context.Context, r *ruleRun, in *integration.Integration) error {
	if e.cfg.OAuth == nil {
		return nil
	}
	st, err := e.cfg.OAuth.Status(ctx, r.org, in.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.State != oauth.StateReconnectNeeded {
		return nil
	}
	r.add(&storage.AlertRaiseParams{IntegrationID: in.ID, DedupKey: KeyOAuthReconnect + in.ID.String(),
		Severity: storage.AlertCritical, Title: in.Name + ": " + st.Message, Message: st.Message,
		Impact: ImpactOf(in.Type)})
	return nil
}

// tally counts one integration's matching log entries.
type tally struct {
	n     int
	maxMS int64
}

// countingRules read the organization's warnings of the last
// Config.RuleWindow: slow responses over Config.SlowThreshold and calls
// the quota refused.
func (e *Engine) countingRules(ctx context.Context, r *ruleRun, byID map[uuid.UUID]*integration.Integration) error {
	since := r.now.Add(-e.cfg.RuleWindow)
	slow, err := e.countLogs(ctx, r.org, since, "Slow response", func(d map[string]any) (bool, int64) {
		ms, _ := d["response_time_ms"].(float64)
		return int64(ms) > e.cfg.SlowThreshold.Milliseconds(), int64(ms)
	})
	if err != nil {
		return err
	}
	quota, err := e.countLogs(ctx, r.org, since, "Rate limit exceeded", func(d map[string]any) (bool, int64) {
		return d["reason"] == "quota", 0
	})
	if err != nil {
		return err
	}
	minutes := int(e.cfg.RuleWindow / time.Minute)
	for id, t := range slow {
		in := byID[id]
		if in == nil || t.n < e.cfg.SlowMin || in.Status == storage.IntegrationDisabled {
			continue
		}
		r.add(&storage.AlertRaiseParams{IntegrationID: id, DedupKey: KeySlow + id.String(), Severity: storage.AlertWarning,
			Title: in.Name + ": Slow responses", Impact: slowImpactOf(in.Type),
			Message: fmt.Sprintf("%d responses over %s in the last %d minutes (slowest %.1f seconds)",
				t.n, seconds(e.cfg.SlowThreshold), minutes, float64(t.maxMS)/1000)})
	}
	for id, t := range quota {
		in := byID[id]
		if in == nil || t.n < e.cfg.QuotaBurst || in.Status == storage.IntegrationDisabled {
			continue
		}
		r.add(&storage.AlertRaiseParams{IntegrationID: id, DedupKey: KeyQuota + id.String(), Severity: storage.AlertWarning,
			Title: in.Name + ": Rate limit reached", Impact: ImpactOf(in.Type),
			Message: fmt.Sprintf("%d calls refused by the rate limit in the last %d minutes", t.n, minutes)})
	}
	return nil
}

func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%d s", int(d/time.Second))
	}
	return d.String()
}

// countLogs counts, per integration, the organization's WARN entries since
// a time whose message contains search and whose details match.
func (e *Engine) countLogs(ctx context.Context, org uuid.UUID, since time.Time, search string,
	match func(map[string]any) (bool, int64)) (map[uuid.UUID]*tally, error) {
	out := map[uuid.UUID]*tally{}
	p := &storage.LogListParams{OrganizationID: org, Levels: []storage.LogLevel{storage.LogWarn},
		Time: storage.TimeRange{Since: since}, Search: search, Limit: storage.LimitMax}
	for {
		page, err := e.store.LogList(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, l := range page.Items {
			var d map[string]any
			if json.Unmarshal(l.Details, &d) != nil {
				continue
			}
			ok, v := match(d)
			if !ok {
				continue
			}
			t := out[l.IntegrationID]
			if t == nil {
				t = &tally{}
				out[l.IntegrationID] = t
			}
			t.n++
			t.maxMS = max(t.maxMS, v)
		}
		if page.Next == "" {
			return out, nil
		}
		p.Cursor = page.Next
	}
}
