package integration

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/smtp"
	"github.com/intimeos/integrations/storage"
)

// TestParams describe a connection test that saves nothing (§4, "Test
// Connection" and "Send Test Email").
type TestParams struct {
	OrganizationID uuid.UUID
	// ID names a saved integration, whose stored settings are tested; with
	// Settings, those are tested instead (a masked secret keeps its stored
	// value). Zero for a configuration not saved yet, named by Type and
	// Provider.
	ID       uuid.UUID
	Type     string
	Provider string
	Settings providers.Settings
	// SendTestEmailTo, for an email integration, also sends the test
	// email ("Send Test Email to admin@intime.com") to this address once
	// the connection test passes.
	SendTestEmailTo string
}

// TestResult is a connection test's outcome.
type TestResult struct {
	Check *providers.CheckResult
	// OK reports whether every stage passed and the test email, if asked
	// for, was accepted.
	OK bool
	// Message is what the admin is told: "Connection successful", "Test
	// email sent to admin@intime.com", or the spec's message for what
	// failed ("Authentication failed. Please check credentials.").
	Message string
	// Receipt is the test email's receipt.
	Receipt *email.Receipt
}

// The messages of a test that passed.
const (
	MsgTestPassed    = "Connection successful"
	MsgTestEmailSent = "Test email sent to %s"
)

// Test tests a connection without saving anything (ADMIN-INT-003). The
// settings are validated first (a *[ValidationError]). Testing a saved
// integration's stored settings is also a health check: its status and log
// are updated. A failed stage is reported in the result, not as an error.
func (m *Manager) Test(ctx context.Context, p *TestParams) (*TestResult, error) {
	t, saved, err := m.testTarget(ctx, p)
	if err != nil {
		return nil, err
	}
	o := m.check(ctx, t)
	if saved != nil {
		_, err := m.applyCheck(ctx, t, o, m.interval(saved), nil, CauseTest)
		if err != nil && !isConflict(err) {
			return nil, err
		}
	}
	r := &TestResult{Check: o.res, OK: o.ok(), Message: o.message}
	if !r.OK {
		return r, nil
	}
	r.Message = MsgTestPassed
	if p.SendTestEmailTo != "" {
		m.sendTestEmail(ctx, t, p.SendTestEmailTo, r)
	}
	return r, nil
}

// testTarget validates a test's settings and makes them callable; saved is
// the integration when its stored settings are tested as they are.
func (m *Manager) testTarget(ctx context.Context, p *TestParams) (*target, *storage.IntegrationHealth, error) {
	in := &storage.Integration{OrganizationID: p.OrganizationID, Type: p.Type, Provider: p.Provider, Name: "test"}
	s := p.Settings
	var saved *storage.IntegrationHealth
	if p.ID != uuid.Nil {
		h, err := m.store.IntegrationHealthGet(ctx, p.OrganizationID, p.ID)
		if err != nil {
			return nil, nil, err
		}
		stored, err := decodeSettings(h.Config)
		if err != nil {
			return nil, nil, err
		}
		in, s = &h.Integration, stored
		if p.Settings == nil && h.Status != storage.IntegrationDisabled {
			saved = h
		} else if _, info, err := m.reg.provider(ctx, h.Provider); err == nil && p.Settings != nil {
			s = keepMaskedSecrets(p.Settings, stored, secretFields(info))
		}
	}
	f := &form{typ: in.Type, provider: in.Provider, name: in.Name, settings: s}
	var ve ValidationError
	if err := m.validate(ctx, f, &ve); err != nil {
		return nil, nil, err
	}
	if p.SendTestEmailTo != "" && (f.typ != TypeEmail || !providers.ValidEmail(p.SendTestEmailTo)) {
		ve.add(FieldTestEmailTo, MsgTestEmailInvalid)
	}
	if err := ve.err(); err != nil {
		return nil, nil, err
	}
	t, err := m.newTarget(ctx, in, f.settings)
	return t, saved, err
}

// sendTestEmail sends the test email through t's provider alone (no
// failover: it tests this configuration) and fills r.
func (m *Manager) sendTestEmail(ctx context.Context, t *target, to string, r *TestResult) {
	in := providers.NewInstance(t.display, t.provider, t.settings, m.cfg.Breaker)
	start := m.now()
	var res *providers.Result
	var err error
	var op *providers.Operation
	if t.info.Has(smtp.OpSendTest) {
		payload, _ := json.Marshal(smtp.TestRequest{To: to})
		op = &providers.Operation{Name: smtp.OpSendTest, Payload: payload}
		res, err = in.Call(ctx, op)
	} else {
		msg := testMessage(t, to)
		payload, _ := json.Marshal(msg)
		op = &providers.Operation{Name: email.OpSend, Payload: payload}
		res, err = in.Call(ctx, op)
	}
	if t.id != uuid.Nil {
		m.recordCall(ctx, &callRecord{t: t, op: op, res: res, err: err, start: start, duration: m.now().Sub(start), attempts: 1})
	}
	if err != nil {
		r.OK, r.Message = false, scrub(providers.UserMessage(err, t.display), t.secrets)
		return
	}
	r.Receipt = &email.Receipt{}
	if res != nil && len(res.Payload) > 0 {
		_ = json.Unmarshal(res.Payload, r.Receipt)
	}
	r.Message = fmt.Sprintf(MsgTestEmailSent, to)
}

// testMessage is the test email of providers without their own.
func testMessage(t *target, to string) *email.Message {
	return &email.Message{To: []string{to}, Subject: "InTime test email",
		Text: fmt.Sprintf("This is a test email from InTime.\n\nIt was sent through %s. "+
			"If you can read it, your email integration works.\n", t.display)}
}
