package checkr_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/checkr"
	"github.com/intimeos/integrations/providers/providertest"
)

// setup returns a fake Checkr and an in-process provider whose client the
// test closes.
func setup(t *testing.T) (*fakeCheckr, *checkr.Provider) {
	t.Helper()
	f := newFakeCheckr(t)
	p := checkr.New(&checkr.Config{Now: f.now})
	t.Cleanup(func() { _ = p.Close() })
	return f, p
}

func settings(f *fakeCheckr, key string) providers.Settings {
	return providers.Settings{checkr.FieldAPIKey: key, checkr.FieldBaseURL: f.BaseURL()}
}

func op(name string, payload any) *providers.Operation {
	b, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	return &providers.Operation{Name: name, Payload: b}
}

func decodeResult[T any](t *testing.T, r *providers.Result) *T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(r.Payload, &v))
	return &v
}

// signed returns a webhook request carrying body signed with key.
func signed(body, key string) *providers.WebhookRequest {
	return &providers.WebhookRequest{
		Header: http.Header{checkr.SignatureHeader: {checkr.Sign([]byte(body), key)}},
		Body:   []byte(body),
	}
}

const reportCompleted = `{"id":"evt_1","object":"event","type":"report.completed","created_at":"2024-05-01T10:30:00Z",
	"data":{"object":{"id":"rpt_clear","object":"report","status":"complete","result":"clear","package":"driver_pro",
	"candidate_id":"cand_fixture"}}}`

func suite(f *fakeCheckr) *providertest.Suite {
	good := settings(f, keyGood)
	candidate := op(checkr.OpCandidateCreate, &checkr.CandidateCreateParams{FirstName: "Ada", LastName: "Lovelace",
		Email: "ada@example.com"})
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "candidate", Op: candidate, Check: func(t *testing.T, r *providers.Result) {
				c := decodeResult[checkr.Candidate](t, r)
				require.NotEmpty(t, c.ID)
				require.Equal(t, "ada@example.com", c.Email)
				require.Equal(t, "Lovelace", c.LastName)
			}},
			{Name: "invitation", Op: op(checkr.OpInvitationCreate, &checkr.InvitationCreateParams{
				CandidateID: "cand_fixture", Package: "driver_pro",
				WorkLocations: []checkr.WorkLocation{{Country: "US", State: "CA"}}}),
				Check: func(t *testing.T, r *providers.Result) {
					inv := decodeResult[checkr.Invitation](t, r)
					require.Equal(t, "pending", inv.Status)
					require.Contains(t, inv.InvitationURL, "https://apply.checkr.com/invite/")
					require.Equal(t, "cand_fixture", inv.CandidateID)
				}},
			{Name: "report", Op: op(checkr.OpReportGet, &checkr.ReportGetParams{ID: "rpt_clear"}),
				Check: func(t *testing.T, r *providers.Result) {
					rep := decodeResult[checkr.Report](t, r)
					require.Equal(t, checkr.ReportComplete, rep.Status)
					require.Equal(t, checkr.ResultClear, rep.Result)
				}},
		},
		Failures: []providertest.Failure{
			{Name: "revoked key 401", Settings: settings(f, keyRevoked), Op: candidate, Kind: providers.KindAuth},
			{Name: "rate limited 429", Settings: settings(f, keyBusy), Op: candidate, Kind: providers.KindRateLimited,
				RetryAfter: 30 * time.Second},
			{Name: "down 503", Settings: settings(f, keyDown), Op: candidate, Kind: providers.KindRetryable},
			{Name: "rejected email 422", Op: op(checkr.OpCandidateCreate, &checkr.CandidateCreateParams{
				Email: "x@rejected.example"}), Kind: providers.KindInvalidInput},
			{Name: "duplicate 409", Op: op(checkr.OpCandidateCreate, &checkr.CandidateCreateParams{
				Email: "dup@example.com", CustomID: "dup-1"}), Kind: providers.KindInvalidInput},
			{Name: "unknown candidate 404", Op: op(checkr.OpInvitationCreate, &checkr.InvitationCreateParams{
				CandidateID: "cand_nobody", Package: "driver_pro"}), Kind: providers.KindInvalidInput},
			{Name: "unknown report 404", Op: op(checkr.OpReportGet, &checkr.ReportGetParams{ID: "rpt_nope"}),
				Kind: providers.KindInvalidInput},
			{Name: "no email", Op: op(checkr.OpCandidateCreate, &checkr.CandidateCreateParams{FirstName: "Ada"}),
				Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: checkr.OpReportGet, Payload: []byte(`[`)},
				Kind: providers.KindInvalidInput},
		},
		Webhook: &providertest.Webhook{
			Request: signed(reportCompleted, keyGood),
			Want: []providers.Event{{ID: "evt_1", Type: checkr.EventCompleted,
				Time: time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC),
				Data: json.RawMessage(`{"checkrType":"report.completed","reportId":"rpt_clear","candidateId":"cand_fixture",` +
					`"status":"complete","result":"clear","package":"driver_pro"}`)}},
			Forged: signed(reportCompleted, "test_someone_else"),
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin (this test binary re-executed), against a fake
// Checkr reproducing its documented answers.
func TestConformance(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	s := suite(f)
	t.Run("in process", func(t *testing.T) { providertest.Exercise(t, p, s) })
	t.Run("plugin", func(t *testing.T) { providertest.Exercise(t, providertest.Plugin(t, checkr.Name), s) })
}

// TestRequests checks the wire form: JSON with Checkr's field names.
func TestRequests(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	_, err := p.Do(t.Context(), settings(f, keyGood), op(checkr.OpCandidateCreate, &checkr.CandidateCreateParams{
		FirstName: "Grace", LastName: "Hopper", Email: "grace@example.com", CustomID: "emp-7"}))
	require.NoError(t, err)
	reqs := f.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, "application/json", reqs[0].ContentType)
	require.Equal(t, map[string]any{"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com",
		"custom_id": "emp-7"}, reqs[0].Fields)
}

func TestReportPending(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	res, err := p.Do(t.Context(), settings(f, keyGood), op(checkr.OpReportGet, &checkr.ReportGetParams{ID: "rpt_pending"}))
	require.NoError(t, err)
	require.JSONEq(t, `{"id":"rpt_pending","status":"pending","package":"tasker_standard","candidateId":"cand_fixture",
		"createdAt":"2024-04-30T09:00:00Z"}`, string(res.Payload))
}

// TestErrorMessages checks the spec's wording (§16) and the Retry-After
// wait, in process and through the plugin boundary.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	plugin := providertest.Plugin(t, checkr.Name)
	report := op(checkr.OpReportGet, &checkr.ReportGetParams{ID: "rpt_clear"})
	tests := []struct {
		name, key, msg string
		after          time.Duration
		// inProcess skips the plugin, whose clock is not the fake's.
		inProcess bool
	}{
		{"auth", keyRevoked, "Authentication failed. Please check credentials.", 0, false},
		{"retry after", keyBusy, "Rate limit exceeded. Retry in 30 seconds.", 30 * time.Second, false},
		{"ratelimit reset", keyBusyAt, "Rate limit exceeded. Retry in 42 seconds.", 42 * time.Second, true},
		{"down", keyDown, "Checkr is currently unavailable", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, prov := range map[string]providers.Provider{"in process": p, "plugin": plugin} {
				if tt.inProcess && name == "plugin" {
					continue
				}
				_, err := prov.Do(t.Context(), settings(f, tt.key), report)
				require.Equal(t, tt.msg, providers.UserMessage(err, checkr.DisplayName), name)
				require.Equal(t, tt.after, providers.AsError(err).RetryAfter, name)
				require.NotContains(t, err.Error(), tt.key, name)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	res, err := p.Check(t.Context(), settings(f, keyGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, []providers.StageName{providers.StageDNS, providers.StageTCP, providers.StageTLS, providers.StageAuth},
		stageNames(res))

	res, err = p.Check(t.Context(), settings(f, keyRevoked))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)

	closed := newFakeCheckr(t)
	closed.Close()
	res, err = p.Check(t.Context(), settings(closed, keyGood))
	require.NoError(t, err)
	require.Equal(t, providers.StageTCP, res.Failed().Name)
	require.Equal(t, providers.StageSkipped, res.Stages[3].Status)

	_, err = p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func stageNames(r *providers.CheckResult) []providers.StageName {
	var names []providers.StageName
	for _, s := range r.Stages {
		names = append(names, s.Name)
	}
	return names
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		s     providers.Settings
		field string
		msg   string
	}{
		{"defaults", providers.Settings{checkr.FieldAPIKey: "k"}, "", ""},
		{"https base", providers.Settings{checkr.FieldAPIKey: "k", checkr.FieldBaseURL: "https://api.checkr-staging.com/v1"}, "", ""},
		{"loopback http", providers.Settings{checkr.FieldAPIKey: "k", checkr.FieldBaseURL: "http://127.0.0.1:8080/v1"}, "", ""},
		{"no key", providers.Settings{}, checkr.FieldAPIKey, "API Key is required"},
		{"plain http", providers.Settings{checkr.FieldAPIKey: "k", checkr.FieldBaseURL: "http://api.checkr.com/v1"},
			checkr.FieldBaseURL, "Please enter a valid https URL"},
		{"not a url", providers.Settings{checkr.FieldAPIKey: "k", checkr.FieldBaseURL: "api.checkr.com"},
			checkr.FieldBaseURL, "Please enter a valid https URL"},
		{"credentials in url", providers.Settings{checkr.FieldAPIKey: "k", checkr.FieldBaseURL: "https://u:p@api.checkr.com"},
			checkr.FieldBaseURL, "Please enter a valid https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkr.New(nil).Validate(t.Context(), tt.s)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *providers.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.msg, ve.Field(tt.field))
		})
	}
}
