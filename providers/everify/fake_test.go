package everify_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/everify"
)

// The fake's API clients: each client ID selects a behaviour, so that the
// plugin process, which only sees settings, can drive it too. All share
// secretGood.
const (
	clientGood = "intime-ev"
	clientBusy = "intime-ev-busy" // API answers 429 with Retry-After: 30
	clientDown = "intime-ev-down" // API answers 503
	secretGood = "ev-s3cr3t-w1th-entropy"
	tokenPath  = "/oauth/token"
	ssnGood    = "123456789"
)

// Last names select the case's outcome, as E-Verify's test environment
// uses scenario data: "Tentative" gets a tentative nonconfirmation,
// "Resubmit" close-case-and-resubmit, "Queued" waits for DHS and is
// authorized at the first read, "Duplicate" is refused as a duplicate
// unless a duplicate continue reason is given, anyone else is authorized
// (and the case closed automatically, as E-Verify does since ICA v30).
//
// fakeEVerify answers like the E-Verify Web Services REST API as modelled
// by the package: an OAuth 2.0 client credentials token endpoint, bearer
// tokens, snake_case JSON cases, draft then submit, and {"message",
// "errors": [{"field", "message"}]} error bodies.
type fakeEVerify struct {
	*httptest.Server
	tokenRequests atomic.Int64

	mu     sync.Mutex
	next   int
	tokens map[string]string
	cases  map[string]map[string]any
	bodies []map[string]any
}

func newFakeEVerify(t testing.TB) *fakeEVerify {
	f := &fakeEVerify{tokens: map[string]string{}, cases: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+tokenPath, f.token)
	mux.Handle("POST /api/v31/cases", f.auth(f.create))
	mux.Handle("POST /api/v31/cases/{n}/submit", f.auth(f.submit))
	mux.Handle("GET /api/v31/cases/{n}", f.auth(f.get))
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeEVerify) settings(client string) providers.Settings {
	return providers.Settings{everify.FieldBaseURL: f.URL + "/api/v31", everify.FieldTokenURL: f.URL + tokenPath,
		everify.FieldClientID: client, everify.FieldClientSecret: secretGood, everify.FieldCompanyID: "123456",
		everify.FieldCaseCreatorName: "Pat Recruiter", everify.FieldCaseCreatorEmail: "pat@intime.example",
		everify.FieldCaseCreatorPhone: "5551234567"}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func evError(w http.ResponseWriter, code int, msg string, fields ...string) {
	var errs []map[string]string
	for i := 0; i+1 < len(fields); i += 2 {
		errs = append(errs, map[string]string{"field": fields[i], "message": fields[i+1]})
	}
	writeJSON(w, code, map[string]any{"status": code, "message": msg, "errors": errs})
}

func (f *fakeEVerify) token(w http.ResponseWriter, r *http.Request) {
	f.tokenRequests.Add(1)
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id := r.PostForm.Get("client_id")
	if r.PostForm.Get("client_secret") != secretGood || !strings.HasPrefix(id, "intime-ev") {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	f.mu.Lock()
	f.next++
	tok := fmt.Sprintf("evtok-%d", f.next)
	f.tokens[tok] = id
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 1800})
}

func (f *fakeEVerify) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		id, ok := f.tokens[tok]
		f.mu.Unlock()
		switch {
		case !ok:
			evError(w, http.StatusUnauthorized, "Unauthorized")
		case id == clientBusy:
			w.Header().Set("Retry-After", "30")
			evError(w, http.StatusTooManyRequests, "Too many requests")
		case id == clientDown:
			evError(w, http.StatusServiceUnavailable, "E-Verify is unavailable")
		default:
			next(w, r)
		}
	})
}

func (f *fakeEVerify) create(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&in) != nil {
		evError(w, http.StatusBadRequest, "Malformed request")
		return
	}
	for _, k := range []string{"first_name", "last_name", "date_of_birth", "ssn", "citizenship_status_code", "date_of_hire",
		"case_creator_name", "case_creator_email_address", "case_creator_phone_number"} {
		if in[k] == nil {
			evError(w, http.StatusUnprocessableEntity, "Validation failed", k, "is required")
			return
		}
	}
	if in["ssn"] == "111223333" {
		evError(w, http.StatusUnprocessableEntity, "Validation failed", "ssn", "SSN "+in["ssn"].(string)+" is not valid")
		return
	}
	if in["last_name"] == "Duplicate" && in["duplicate_continue_reason"] == nil {
		evError(w, http.StatusConflict, "A case with the same SSN was created in the last 30 days",
			"duplicate_continue_reason", "is required to continue a duplicate case")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, in)
	n := fmt.Sprintf("2024%09dAB", len(f.bodies))
	f.cases[n] = map[string]any{"case_number": n, "case_status": everify.StatusDraft, "case_status_display": "Draft",
		"case_eligibility_statement": nil, "last_name": in["last_name"]}
	writeJSON(w, http.StatusCreated, f.cases[n])
}

func (f *fakeEVerify) submit(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cases[r.PathValue("n")]
	if !ok {
		evError(w, http.StatusNotFound, "Case not found")
		return
	}
	if c["case_status"] != everify.StatusDraft {
		evError(w, http.StatusUnprocessableEntity, "The case is not a draft")
		return
	}
	switch c["last_name"] {
	case "Tentative":
		c["case_status"], c["case_status_display"] = everify.StatusPendingReferral, "Pending Referral"
		c["case_eligibility_statement"], c["ssa_referral_status"] = everify.EligibilityTNC, "PENDING_REFERRAL"
		c["dhs_referral_status"] = "NOT_REFERRED"
	case "Resubmit":
		c["case_status"], c["case_status_display"] = everify.StatusCloseCaseAndResubmit, "Close Case and Resubmit"
		c["case_eligibility_statement"] = everify.EligibilityCloseAndResubmit
	case "Queued":
		c["case_status"], c["case_status_display"] = everify.StatusQueued, "Queued"
		c["case_eligibility_statement"] = everify.EligibilityDHSInProcess
	default:
		c["case_status"], c["case_status_display"] = everify.StatusClosed, "Closed"
		c["case_eligibility_statement"] = everify.EligibilityAuthorized
	}
	writeJSON(w, http.StatusOK, publicCase(c))
}

func (f *fakeEVerify) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cases[r.PathValue("n")]
	if !ok {
		evError(w, http.StatusNotFound, "Case not found")
		return
	}
	out := publicCase(c)
	if c["case_status"] == everify.StatusQueued { // DHS answers by the next read
		c["case_status"], c["case_status_display"] = everify.StatusClosed, "Closed"
		c["case_eligibility_statement"] = everify.EligibilityAuthorized
	}
	writeJSON(w, http.StatusOK, out)
}

func publicCase(c map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range c {
		if k != "last_name" {
			out[k] = v
		}
	}
	return out
}

// Bodies returns the create requests' bodies.
func (f *fakeEVerify) Bodies() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.bodies...)
}
