package everify_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/everify"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/retry"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

// employee is a valid case for the last name, with a US passport.
func employee(last string) *everify.CaseCreateParams {
	return &everify.CaseCreateParams{FirstName: "Ada", LastName: last, DateOfBirth: "1990-12-10", SSN: "123-45-6789",
		CitizenshipStatusCode: everify.CitizenUS, DocumentATypeCode: "US_PASSPORT", USPassportNumber: "123456789",
		ExpirationDate: "2030-01-01", DateOfHire: "2024-05-01", EmployerCaseID: "hire-" + last}
}

func createOp(last string) *providers.Operation { return op(everify.OpCaseCreate, employee(last)) }

func suite(t *testing.T) *providertest.Suite {
	f := newFakeEVerify(t)
	return &providertest.Suite{
		Settings: f.settings(clientGood),
		Calls: []providertest.Call{
			{Name: "authorized", Op: createOp("Lovelace"), Check: func(t *testing.T, r *providers.Result) {
				c := decode[everify.Case](t, r)
				require.Regexp(t, `^[0-9]{13}AB$`, c.CaseNumber)
				require.Equal(t, everify.StatusClosed, c.Status)
				require.Equal(t, everify.EligibilityAuthorized, c.EligibilityStatement)
				require.Equal(t, everify.ResultAuthorized, c.Result)
			}},
			{Name: "tentative nonconfirmation", Op: createOp("Tentative"), Check: func(t *testing.T, r *providers.Result) {
				c := decode[everify.Case](t, r)
				require.Equal(t, everify.EligibilityTNC, c.EligibilityStatement)
				require.Equal(t, everify.ResultTNC, c.Result)
				require.Equal(t, "PENDING_REFERRAL", c.SSAReferralStatus)
			}},
			{Name: "close case and resubmit", Op: createOp("Resubmit"), Check: func(t *testing.T, r *providers.Result) {
				require.Equal(t, everify.ResultResubmit, decode[everify.Case](t, r).Result)
			}},
			{Name: "draft", Op: op(everify.OpCaseCreate, func() *everify.CaseCreateParams {
				p := employee("Drafted")
				p.Draft = true
				return p
			}()), Check: func(t *testing.T, r *providers.Result) {
				c := decode[everify.Case](t, r)
				require.Equal(t, everify.StatusDraft, c.Status)
				require.Equal(t, everify.ResultDraft, c.Result)
			}},
		},
		Failures: []providertest.Failure{
			{Name: "wrong secret", Settings: with(f.settings(clientGood), everify.FieldClientSecret, "wrong"), Op: createOp("A"),
				Kind: providers.KindAuth},
			{Name: "429", Settings: f.settings(clientBusy), Op: createOp("A"), Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "503", Settings: f.settings(clientDown), Op: createOp("A"), Kind: providers.KindRetryable},
			{Name: "duplicate 409", Op: createOp("Duplicate"), Kind: providers.KindInvalidInput},
			{Name: "refused SSN 422", Op: op(everify.OpCaseCreate, func() *everify.CaseCreateParams {
				p := employee("A")
				p.SSN = "111223333"
				return p
			}()), Kind: providers.KindInvalidInput},
			{Name: "unknown case 404", Op: op(everify.OpCaseGet, &everify.CaseGetParams{CaseNumber: "2024999999999ZZ"}),
				Kind: providers.KindInvalidInput},
			{Name: "bad case number", Op: op(everify.OpCaseGet, &everify.CaseGetParams{CaseNumber: "../x"}), Kind: providers.KindInvalidInput},
			{Name: "no documents", Op: op(everify.OpCaseCreate, &everify.CaseCreateParams{FirstName: "A", LastName: "B",
				DateOfBirth: "1990-01-01", SSN: "123456789", CitizenshipStatusCode: everify.CitizenUS, DateOfHire: "2024-05-01"}),
				Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, against a fake E-Verify.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, everify.New(nil)), plugin, suite)
}

// TestCaseLifecycle: a queued case is pending at submission and
// authorized when its status is read later, through the plugin; a
// duplicate goes through with a continue reason.
func TestCaseLifecycle(t *testing.T) {
	t.Parallel()
	f := newFakeEVerify(t)
	inst := providers.NewInstance(everify.DisplayName, plugin(t), f.settings(clientGood), nil)
	c, err := everify.CaseCreate(t.Context(), inst, employee("Queued"))
	require.NoError(t, err)
	require.Equal(t, everify.ResultPending, c.Result)
	require.Equal(t, everify.EligibilityDHSInProcess, c.EligibilityStatement)
	later, err := everify.CaseGet(t.Context(), inst, c.CaseNumber)
	require.NoError(t, err)
	require.Equal(t, &everify.Case{CaseNumber: c.CaseNumber, Status: everify.StatusQueued, StatusDisplay: "Queued",
		EligibilityStatement: everify.EligibilityDHSInProcess, Result: everify.ResultPending}, later)
	later, err = everify.CaseGet(t.Context(), inst, c.CaseNumber)
	require.NoError(t, err)
	require.Equal(t, everify.ResultAuthorized, later.Result)

	dup := employee("Duplicate")
	_, err = everify.CaseCreate(t.Context(), inst, dup)
	require.ErrorContains(t, err, "duplicate_continue_reason: is required to continue a duplicate case")
	dup.DuplicateContinueReason = "REHIRE"
	c, err = everify.CaseCreate(t.Context(), inst, dup)
	require.NoError(t, err)
	require.Equal(t, everify.ResultAuthorized, c.Result)
}

// TestWireForm checks the case as E-Verify receives it: snake_case
// fields, the SSN without dashes, the case creator and client company from
// the settings.
func TestWireForm(t *testing.T) {
	t.Parallel()
	f := newFakeEVerify(t)
	_, err := everify.New(nil).Do(t.Context(), f.settings(clientGood), createOp("Lovelace"))
	require.NoError(t, err)
	require.Equal(t, []map[string]any{{"first_name": "Ada", "last_name": "Lovelace", "date_of_birth": "1990-12-10",
		"ssn": ssnGood, "citizenship_status_code": "US_CITIZEN", "document_a_type_code": "US_PASSPORT",
		"us_passport_number": "123456789", "expiration_date": "2030-01-01", "date_of_hire": "2024-05-01",
		"employer_case_id": "hire-Lovelace", "client_company_id": "123456", "case_creator_name": "Pat Recruiter",
		"case_creator_email_address": "pat@intime.example", "case_creator_phone_number": "5551234567"}}, f.Bodies())
}

// TestErrorMessages checks the spec's wording (§16) and the Retry-After
// wait through the plugin, and that an SSN echoed by E-Verify is removed.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	f := newFakeEVerify(t)
	pl := plugin(t)
	testkit.UserMessages(t, pl, everify.DisplayName, []testkit.MessageCase{
		{"auth", with(f.settings(clientGood), everify.FieldClientSecret, "no"), createOp("A"), "Authentication failed. Please check credentials.", 0},
		{"429", f.settings(clientBusy), createOp("A"), "Rate limit exceeded. Retry in 30 seconds.", 30 * time.Second},
		{"503", f.settings(clientDown), createOp("A"), "E-Verify is currently unavailable", 0},
	})
	bad := employee("A")
	bad.SSN = "111223333"
	_, err := pl.Do(t.Context(), f.settings(clientGood), op(everify.OpCaseCreate, bad))
	require.ErrorContains(t, err, "ssn: SSN [redacted] is not valid")
	require.NotContains(t, err.Error(), "111223333")
}

// TestNoPIIInLogs: log records carry neither the secret, the token, nor
// the employee's SSN or name.
func TestNoPIIInLogs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f := newFakeEVerify(t)
	p := everify.New(&everify.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	defer p.Close()
	for _, s := range []providers.Settings{f.settings(clientGood), f.settings(clientBusy),
		with(f.settings(clientGood), everify.FieldClientSecret, "x")} {
		_, _ = p.Do(t.Context(), s, createOp("Lovelace"))
	}
	require.Contains(t, logs.String(), "everify: request")
	for _, secret := range []string{secretGood, "evtok-", ssnGood, "123-45-6789", "Lovelace"} {
		require.NotContains(t, logs.String(), secret)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFakeEVerify(t)
	p := everify.New(nil)
	defer p.Close()
	res, err := p.Check(t.Context(), f.settings(clientGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	res, err = p.Check(t.Context(), with(f.settings(clientGood), everify.FieldClientSecret, "wrong"))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)
	require.Equal(t, retry.ClassClientError, res.Failed().Class)
	require.Empty(t, f.Bodies(), "a check creates no case")
}

func TestValidate(t *testing.T) {
	t.Parallel()
	f := newFakeEVerify(t)
	good := f.settings(clientGood)
	tests := []testkit.ValidateCase{
		{"valid", good, "", ""},
		{"no URL", with(good, everify.FieldBaseURL, ""), everify.FieldBaseURL, "E-Verify API URL is required"},
		{"http URL", with(good, everify.FieldBaseURL, "http://e-verify.example/api"), everify.FieldBaseURL, "Please enter a valid https URL"},
		{"bad email", with(good, everify.FieldCaseCreatorEmail, "pat"), everify.FieldCaseCreatorEmail, "Please enter a valid email address"},
		{"bad phone", with(good, everify.FieldCaseCreatorPhone, "555-1234"), everify.FieldCaseCreatorPhone,
			"Please enter a 10-digit US phone number"},
		{"bad company", with(good, everify.FieldCompanyID, "acme"), everify.FieldCompanyID, "Client company ID must be digits"},
	}
	testkit.Validate(t, everify.New(nil), tests)
}

// TestCaseValidation: cases E-Verify would refuse are refused before any
// request, and the message never carries the SSN.
func TestCaseValidation(t *testing.T) {
	t.Parallel()
	f := newFakeEVerify(t)
	p := everify.New(nil)
	defer p.Close()
	for name, mutate := range map[string]func(*everify.CaseCreateParams){
		"no name":         func(c *everify.CaseCreateParams) { c.FirstName = "" },
		"bad birth date":  func(c *everify.CaseCreateParams) { c.DateOfBirth = "12/10/1990" },
		"short SSN":       func(c *everify.CaseCreateParams) { c.SSN = "12345678" },
		"000 SSN":         func(c *everify.CaseCreateParams) { c.SSN = "000456789" },
		"bad citizenship": func(c *everify.CaseCreateParams) { c.CitizenshipStatusCode = "MARTIAN" },
		"B without C":     func(c *everify.CaseCreateParams) { c.DocumentATypeCode, c.DocumentBTypeCode = "", "DRIVERS_LICENSE" },
	} {
		t.Run(name, func(t *testing.T) {
			c := employee("A")
			mutate(c)
			_, err := p.Do(t.Context(), f.settings(clientGood), op(everify.OpCaseCreate, c))
			require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "%v", err)
			require.NotContains(t, err.Error(), strings.ReplaceAll(c.SSN, "-", ""))
		})
	}
	require.Empty(t, f.Bodies())
}
