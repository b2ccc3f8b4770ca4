package integration_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/secret"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/storage/sqlite"
)

// outbox is an email provider that keeps what it sends: the examples'
// stand-in for SMTP, SendGrid or SES.
type outbox struct {
	providers.UnimplementedProvider
	sent []*email.Message
}

var outboxFields = []providers.Field{
	{Name: "fromEmail", Label: "From Email", Type: providers.FieldEmail, Required: true,
		Messages: providers.FieldMessages{Empty: "From email address is required", Invalid: "Please enter a valid email address"}},
	{Name: "apiKey", Label: "API Key", Type: providers.FieldPassword, Required: true, Secret: true,
		Messages: providers.FieldMessages{Empty: "API key is required"}},
}

func (o *outbox) Info(context.Context) (*providers.Info, error) {
	return &providers.Info{Name: "outbox", DisplayName: "Outbox", Types: []string{integration.TypeEmail},
		Version: "1.0.0", Fields: outboxFields, Capabilities: []string{email.OpSend}}, nil
}

func (o *outbox) Validate(_ context.Context, s providers.Settings) error {
	return providers.ValidateSettings(outboxFields, s)
}

func (o *outbox) Check(context.Context, providers.Settings) (*providers.CheckResult, error) {
	return &providers.CheckResult{Stages: []providers.Stage{{Name: providers.StageAuth, Status: providers.StagePassed}}}, nil
}

func (o *outbox) Do(_ context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return email.Handle(op, func(m *email.Message) (*email.Receipt, error) {
		o.sent = append(o.sent, m)
		return &email.Receipt{MessageID: fmt.Sprintf("outbox-%d", len(o.sent))}, nil
	})
}

// exampleManager wires a Manager on a SQLite store in a temporary
// directory, with the outbox provider installed.
func exampleManager(ctx context.Context) (*integration.Manager, func(), error) {
	dir, err := os.MkdirTemp("", "intime-example-")
	if err != nil {
		return nil, nil, err
	}
	k, _ := secret.GenerateKey("k1")
	ring, _ := secret.NewKeyring(k)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "intime.db"), &sqlite.Config{Sealer: ring})
	if err != nil {
		return nil, nil, err
	}
	host, _ := providers.NewHost(nil)
	_ = host.Register("outbox", &outbox{})
	mgr, err := integration.New(&integration.Config{Store: store, Providers: host})
	if err != nil {
		return nil, nil, err
	}
	if err := mgr.Start(ctx); err != nil {
		return nil, nil, err
	}
	return mgr, func() {
		_ = mgr.Stop(ctx)
		_ = host.Close()
		_ = store.Close()
		_ = os.RemoveAll(dir)
	}, nil
}

// A host adds an email integration, which is checked at once, and sends
// through it without naming its provider.
func ExampleManager_Email() {
	ctx := context.Background()
	mgr, done, err := exampleManager(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	org := uuid.New()
	in, err := mgr.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: org, Type: integration.TypeEmail,
		Provider: "outbox", Name: "Transactional email",
		Settings: providers.Settings{"fromEmail": "noreply@intime.com", "apiKey": "SG.example-secret-key"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(in.Name, in.Status, in.Settings["apiKey"])
	r, err := mgr.Email(org).Send(ctx, &email.Message{To: []string{"candidate@example.com"},
		Subject: "Interview Invitation", Text: "See you at 10."})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sent:", r.MessageID)
	// Output:
	// Transactional email active ••••••••-key
	// sent: outbox-1
}

// Invalid settings are refused with one message per field, worded as the
// spec words them; nothing is saved.
func ExampleValidationError() {
	ctx := context.Background()
	mgr, done, err := exampleManager(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	_, err = mgr.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: uuid.New(),
		Type: integration.TypeEmail, Provider: "outbox", Name: "Transactional email",
		Settings: providers.Settings{"fromEmail": "noreply@"}})
	var ve *integration.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Field, f.Message)
		}
	}
	// Output:
	// fromEmail: Please enter a valid email address
	// apiKey: API key is required
}

// The dashboard's overview: counts by status with their share, and the
// list with provider, status and last sync.
func ExampleManager_Overview() {
	ctx := context.Background()
	mgr, done, err := exampleManager(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	org := uuid.New()
	for _, name := range []string{"Transactional email", "Marketing email"} {
		in, err := mgr.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: org, Type: integration.TypeEmail,
			Provider: "outbox", Name: name, Settings: providers.Settings{"fromEmail": "noreply@intime.com", "apiKey": "k-123"}})
		if err != nil {
			fmt.Println(err)
			return
		}
		if name == "Marketing email" {
			_, _ = mgr.IntegrationDisable(ctx, org, in.ID)
		}
	}
	o, err := mgr.Overview(ctx, org)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Total %d, Active %d (%d%%), Disabled %d (%d%%)\n", o.Total, o.Active, o.ActivePercent, o.Disabled,
		o.DisabledPercent)
	for _, it := range o.Integrations {
		fmt.Printf("%s | %s | %s | %s\n", it.Name, it.ProviderName, it.StatusLabel, it.LastSyncLabel)
	}
	fmt.Println(len(o.Unconfigured), "types to configure")
	// Output:
	// Total 2, Active 1 (50%), Disabled 1 (50%)
	// Transactional email | Outbox | ACTIVE | Never
	// Marketing email | Outbox | DISABLED | Never
	// 17 types to configure
}

// The catalog lists the 18 types of the spec; a type no installed provider
// serves says so.
func ExampleManager_Catalog() {
	ctx := context.Background()
	mgr, done, err := exampleManager(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	types, err := mgr.Catalog(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ct := range types[:3] {
		fmt.Printf("%s (%s): %s\n", ct.Entry.Name, ct.Entry.Category.Title(), ct.ProviderSummary())
	}
	fmt.Println(len(types), "types")
	// Output:
	// Email (SMTP) (Core Business Integrations): Outbox
	// Calendar (Core Business Integrations): No provider installed
	// Document Storage (Core Business Integrations): No provider installed
	// 18 types
}

// The health screen's status reads as §5 draws it.
func ExampleStatusLabel() {
	now := mustTime("2031-05-06T10:42:00Z")
	since := mustTime("2031-05-06T10:27:00Z")
	fmt.Println(integration.StatusLabel(storage.IntegrationError, &since, now))
	fmt.Println(integration.StatusLabel(storage.IntegrationActive, &since, now))
	// Output:
	// ERROR (Last 15 minutes)
	// ACTIVE
}
