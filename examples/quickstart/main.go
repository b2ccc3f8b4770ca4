// Command quickstart wires the integration Manager on the embedded SQLite
// store, adds an email integration (SendGrid, checked at once), sends an
// email through it without naming its provider, and prints what the
// dashboard would show: the integration (secrets masked), the overview and
// the call's log entry. It also writes a webhook subscription and a pending
// delivery. It is the smallest complete wiring of the SDK.
//
// Usage:
//
//	INTIME_SECRET_KEY=$(openssl rand -base64 32) go run ./examples/quickstart [-db path]
//	    [-sendgrid-key SG.xxx -from you@example.com -to someone@example.com]
//
// Without -sendgrid-key it sends to a local stand-in for SendGrid's mail API
// (GET /v3/scopes, POST /v3/mail/send answering 202 with X-Message-Id, as
// SendGrid documents it), so it runs offline.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/ses"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// options are the command line's.
type options struct {
	db, key, from, to string
}

func parse(args []string) (*options, error) {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	o := &options{}
	fs.StringVar(&o.db, "db", "", "SQLite database file (default: a new file in a temporary directory)")
	fs.StringVar(&o.key, "sendgrid-key", "", "a SendGrid API key; empty sends to a local stand-in")
	fs.StringVar(&o.from, "from", "noreply@intime.example", "the sender (a verified sender of your SendGrid account)")
	fs.StringVar(&o.to, "to", "candidate@example.com", "the recipient")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.db == "" {
		dir, err := os.MkdirTemp("", "intime-quickstart-")
		if err != nil {
			return nil, err
		}
		o.db = filepath.Join(dir, "intime.db")
	}
	return o, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	ring, err := secret.KeyringFromEnv("INTIME_SECRET_KEY")
	if err != nil {
		return err
	}
	store, err := sqlite.Open(ctx, o.db, &sqlite.Config{Sealer: ring})
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(out, "opened and migrated %s\n", o.db)

	host, err := providers.NewHost(nil)
	if err != nil {
		return err
	}
	defer host.Close()
	for name, p := range map[string]providers.Provider{"sendgrid": sendgrid.New(nil), "ses": ses.New(nil), "smtp": smtp.New(nil)} {
		if err := host.Register(name, p); err != nil {
			return err
		}
	}
	mgr, err := integration.New(&integration.Config{Store: store, Providers: host})
	if err != nil {
		return err
	}
	if err := mgr.Start(ctx); err != nil {
		return err
	}
	defer mgr.Stop(ctx)

	settings := providers.Settings{sendgrid.FieldAPIKey: o.key, sendgrid.FieldFromEmail: o.from,
		sendgrid.FieldFromName: "InTime Staffing"}
	if o.key == "" {
		sink := newSink(out)
		defer sink.Close()
		settings[sendgrid.FieldAPIKey], settings[sendgrid.FieldBaseURL] = sinkKey, sink.URL
	}
	org := uuid.New()
	if err := sendOne(ctx, mgr, org, settings, o.to, out); err != nil {
		return err
	}
	if err := mgr.Stop(ctx); err != nil { // writes the call's log entry
		return err
	}
	if err := report(ctx, mgr, org, out); err != nil {
		return err
	}
	return seedWebhook(ctx, store, org, out)
}

// sendOne adds the email integration and sends an email through it.
func sendOne(ctx context.Context, mgr *integration.Manager, org uuid.UUID, settings providers.Settings, to string, out io.Writer) error {
	in, err := mgr.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: org, Type: integration.TypeEmail,
		Provider: "sendgrid", Name: "Transactional email", Settings: settings})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "integration %s: %s (%s) status=%s apiKey=%s\n", in.ID, in.Name, in.ProviderName, in.Status,
		in.Settings[sendgrid.FieldAPIKey])
	if in.Status != storage.IntegrationActive {
		return fmt.Errorf("the connection test failed: %s", in.ErrorMessage)
	}
	r, err := mgr.Email(org).Send(ctx, &email.Message{To: []string{to}, Subject: "Interview Invitation",
		Text: "Hello from InTime: your interview is confirmed for 10:00."})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sent through the Manager: message %s\n", r.MessageID)
	return nil
}

// report prints the dashboard's overview and the integration's log.
func report(ctx context.Context, mgr *integration.Manager, org uuid.UUID, out io.Writer) error {
	o, err := mgr.Overview(ctx, org)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "overview: total %d, active %d (%d%%), errors %d, disabled %d\n", o.Total, o.Active,
		o.ActivePercent, o.Errors, o.Disabled)
	page, err := mgr.Store().LogList(ctx, &storage.LogListParams{OrganizationID: org})
	if err != nil {
		return err
	}
	for i := len(page.Items) - 1; i >= 0; i-- {
		l := page.Items[i]
		fmt.Fprintf(out, "log [%s] %s %s\n", l.Level, l.Message, l.Details)
	}
	return nil
}

// seedWebhook writes a webhook subscription and a pending delivery.
func seedWebhook(ctx context.Context, s storage.Store, org uuid.UUID, out io.Writer) error {
	wh, err := s.WebhookCreate(ctx, &storage.WebhookCreateParams{
		OrganizationID: org, Name: "Job Created - Zapier", URL: "https://hooks.zapier.com/hooks/catch/1/abc",
		Secret: "3q2+7wQ7yG0aZp1bX9cKdLmNoPqRsTuV", Events: []string{"job.created"},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "webhook %s: %q -> %s events=%v secret=%s\n", wh.ID, wh.Name, wh.URL, wh.Events, secret.Mask(wh.Secret))
	ds, err := s.DeliveryInsert(ctx, []*storage.DeliveryInsertParams{{
		OrganizationID: org, WebhookID: wh.ID, EventType: "job.created",
		Payload: json.RawMessage(`{"event":"job.created","data":{"job_id":"JOB-2024-1234"}}`),
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "delivery %s: %s attempt=%d status=%s\n", ds[0].ID, ds[0].EventType, ds[0].AttemptNumber, ds[0].Status)
	return nil
}

// sinkKey is the API key the local stand-in accepts.
const sinkKey = "SG.quickstart-local-key"

// newSink starts the local stand-in for SendGrid's mail API: it accepts
// sinkKey, answers GET /v3/scopes with mail.send and POST /v3/mail/send
// with 202 and an X-Message-Id, and prints what it received.
func newSink(out io.Writer) *httptest.Server {
	var n atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+sinkKey {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked"}]}`)
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/v3/scopes":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"scopes":["mail.send"]}`)
		case r.Method == http.MethodPost && r.URL.Path == "/v3/mail/send":
			var body struct {
				Personalizations []struct {
					To []struct {
						Email string `json:"email"`
					} `json:"to"`
				} `json:"personalizations"`
				Subject string `json:"subject"`
			}
			_ = json.NewDecoder(r.Body).Decode(&body)
			to := ""
			if len(body.Personalizations) > 0 && len(body.Personalizations[0].To) > 0 {
				to = body.Personalizations[0].To[0].Email
			}
			fmt.Fprintf(out, "local SendGrid stand-in received: to=%s subject=%q\n", to, body.Subject)
			w.Header().Set("X-Message-Id", fmt.Sprintf("quickstart-%d", n.Add(1)))
			w.WriteHeader(http.StatusAccepted)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}
