package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/intimeos/integrations/apiaccess"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// The credentials of this run's stand-ins: made at start, given to the
// integrations (sealed in the store, masked on screen).
var (
	directoryKey = "dir_" + randomText(18)
	sendGridKey  = "SG." + randomText(24)
	sinkUser     = "apikey"
	sinkPassword = randomText(18)
)

func randomText(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// The demo's integrations and webhooks, by name.
const (
	nameEmail   = "Transactional email"
	nameBackup  = "Backup email"
	nameHRIS    = "HRIS sync"
	namePayroll = "Payroll export"
	nameJobs    = "Job Created - Zapier"
	nameSubmit  = "Candidate Submitted"
	nameToken   = "Demo client"
	fromEmail   = "noreply@intime.example"
	// alertEmail receives the alert notifications (§13 "Email admin@…").
	alertEmail = "admin@intime.example"
	fromName   = "InTime Staffing"
)

// seed makes the demo's integrations, webhooks and API token, or points
// those of an earlier run at this run's stand-ins.
func (d *demo) seed(ctx context.Context) error {
	if err := d.seedEmail(ctx); err != nil {
		return err
	}
	if _, err := d.ensure(ctx, nameHRIS, integration.TypeHRIS, demoHRName,
		providers.Settings{fieldBaseURL: d.dir.URL, fieldAPIKey: directoryKey}); err != nil {
		return err
	}
	down, err := closedURL()
	if err != nil {
		return err
	}
	if _, err := d.ensure(ctx, namePayroll, integration.TypePayroll, demoHRName,
		providers.Settings{fieldBaseURL: down, fieldAPIKey: directoryKey}); err != nil {
		return err
	}
	if err := d.seedWebhooks(ctx); err != nil {
		return err
	}
	return d.seedToken(ctx)
}

// seedEmail configures email: SMTP to the sink with SendGrid (the local
// stand-in) as its backup, or SendGrid alone without the sink.
func (d *demo) seedEmail(ctx context.Context) error {
	sg := providers.Settings{sendgrid.FieldAPIKey: sendGridKey, "fromEmail": fromEmail, "fromName": fromName,
		sendgrid.FieldBaseURL: d.sendgrid.URL}
	if d.sink == nil {
		_, err := d.ensure(ctx, nameEmail, integration.TypeEmail, sendgrid.Name, sg)
		return err
	}
	primary, err := d.ensure(ctx, nameEmail, integration.TypeEmail, smtp.Name, providers.Settings{
		smtp.FieldProvider: smtp.PresetCustom, smtp.FieldHost: d.sink.Host, smtp.FieldPort: "587",
		smtp.FieldUsername: sinkUser, smtp.FieldPassword: sinkPassword, smtp.FieldFromEmail: fromEmail,
		smtp.FieldFromName: fromName, smtp.FieldRootCA: d.ca.pem})
	if err != nil {
		return err
	}
	backup, err := d.ensure(ctx, nameBackup, integration.TypeEmail, sendgrid.Name, sg)
	if err != nil {
		return err
	}
	_, err = d.mgr.RouteSet(ctx, &integration.RouteSetParams{OrganizationID: demoOrg, Type: integration.TypeEmail,
		Primary: primary.ID, Backup: backup.ID})
	return err
}

// ensure creates the integration of that name, or updates its settings
// (a provider that changed means a new integration).
func (d *demo) ensure(ctx context.Context, name, typ, provider string, s providers.Settings) (*integration.Integration, error) {
	list, err := d.mgr.IntegrationList(ctx, demoOrg, typ)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		if in.Name != name {
			continue
		}
		if in.Provider == provider {
			return d.mgr.IntegrationUpdate(ctx, &integration.UpdateParams{OrganizationID: demoOrg, ID: in.ID, Settings: s})
		}
		if err := d.mgr.IntegrationDelete(ctx, demoOrg, in.ID); err != nil {
			return nil, err
		}
	}
	return d.mgr.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: demoOrg, Type: typ, Provider: provider,
		Name: name, Settings: s})
}

// seedWebhooks subscribes the receiver: one endpoint that answers, and one
// that always fails, with one retry a second later, so that its deliveries
// reach the dead letter queue within seconds.
func (d *demo) seedWebhooks(ctx context.Context) error {
	fast := retry.DefaultPolicy()
	fast.MaxRetries, fast.Strategy, fast.FixedDelay, fast.MaxDelay, fast.Jitter = 1, retry.StrategyFixed, time.Second, 10*time.Second, false
	if err := d.ensureWebhook(ctx, nameJobs, "/hooks/ok", nil,
		webhook.EventJobCreated, webhook.EventJobUpdated, webhook.EventCandidateCreated); err != nil {
		return err
	}
	return d.ensureWebhook(ctx, nameSubmit, "/hooks/flaky", &fast, webhook.EventSubmissionCreated)
}

func (d *demo) ensureWebhook(ctx context.Context, name, path string, p *retry.Policy, events ...string) error {
	url := d.receiver.URL + path
	page, err := d.hooks.SubscriptionList(ctx, &webhook.SubscriptionListParams{OrganizationID: demoOrg, Limit: storage.LimitMax})
	if err != nil {
		return err
	}
	for _, s := range page.Items {
		if s.Name == name {
			_, err := d.hooks.SubscriptionUpdate(ctx, &webhook.SubscriptionUpdateParams{OrganizationID: demoOrg, ID: s.ID,
				URL: &url, Events: events, RetryPolicy: p})
			return err
		}
	}
	_, err = d.hooks.SubscriptionCreate(ctx, &webhook.SubscriptionCreateParams{OrganizationID: demoOrg, Name: name,
		URL: url, Events: events, RetryPolicy: p})
	return err
}

// seedToken makes this run's API token for the trickle's calls, revoking
// the one of an earlier run. Its per-minute limit is low, so the trickle's
// bursts are throttled and the throttled list has something to show.
func (d *demo) seedToken(ctx context.Context) error {
	tokens, err := d.access.TokenList(ctx, demoOrg)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.Name == nameToken && t.Status == apiaccess.TokenActive {
			if _, err := d.access.TokenRevoke(ctx, demoOrg, t.ID); err != nil {
				return err
			}
		}
	}
	c, err := d.access.TokenCreate(ctx, &apiaccess.TokenCreateParams{OrganizationID: demoOrg, Name: nameToken,
		Scopes: []string{"jobs:read"}, PerMinute: 20})
	if err != nil {
		return err
	}
	d.token = c.Secret
	return nil
}

// demoAPI is the host's own API the demo token calls: jobs by ID, behind
// the API access middleware.
func demoAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/jobs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"jobs":[{"id":"JOB-2025-0001","title":"Senior Java Developer"}]}`))
	})
	mux.HandleFunc("GET /v1/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.PathValue("id"), "JOB-") {
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"id":%q,"title":"Senior Java Developer"}`, r.PathValue("id"))
	})
	return mux
}
