package paychex_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/paychex"
)

// The fake's API clients: each client ID selects a behaviour, so that the
// plugin process, which only sees settings, can drive it too. All share
// secretGood.
const (
	clientGood      = "intime-7f3a"
	clientShort     = "intime-short"      // tokens expire in 1 second
	clientBusy      = "intime-busy"       // API answers 429 with Retry-After: 30
	clientTokenBusy = "intime-token-busy" // token endpoint answers 429 with Retry-After: 20
	clientDown      = "intime-down"       // API answers 503
	secretGood      = "pX-s3cr3t-w1th-entropy"
	companyGood     = "00H2A1IUJ5JSZ6FW9OX2"
	tokenPath       = "/auth/oauth/v2/token"
)

// fakePaychex answers like the Paychex Flex API as documented: a client
// credentials token endpoint taking the credentials in the form, bearer
// tokens on the API, {"metadata", "content"} answers with offset/limit
// paging, {"errors": [{"code", "description", "resolution"}]} error bodies,
// 401 for a bad token and 429 with Retry-After.
type fakePaychex struct {
	*httptest.Server
	tokenRequests atomic.Int64

	mu     sync.Mutex
	next   int
	tokens map[string]string // access token -> client ID
}

func newFakePaychex(t testing.TB) *fakePaychex {
	f := &fakePaychex{tokens: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+tokenPath, f.token)
	mux.Handle("GET /companies", f.auth(f.companies))
	mux.Handle("GET /companies/{id}/workers", f.auth(f.workers))
	mux.Handle("GET /companies/{id}/payperiods", f.auth(f.payPeriods))
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakePaychex) settings(client string) providers.Settings {
	return providers.Settings{paychex.FieldClientID: client, paychex.FieldClientSecret: secretGood,
		paychex.FieldCompanyID: companyGood, paychex.FieldBaseURL: f.URL, paychex.FieldTokenURL: f.URL + tokenPath}
}

// Revoke invalidates every token issued so far.
func (f *fakePaychex) Revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func paychexError(w http.ResponseWriter, code int, errCode, desc string) {
	writeJSON(w, code, map[string]any{"metadata": map[string]any{}, "errors": []map[string]string{
		{"code": errCode, "description": desc, "resolution": "Check the request and try again."}}})
}

func (f *fakePaychex) token(w http.ResponseWriter, r *http.Request) {
	f.tokenRequests.Add(1)
	if _, _, basic := r.BasicAuth(); basic || r.ParseForm() != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	case secret != secretGood || !strings.HasPrefix(id, "intime-"):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client",
			"error_description": "The given client credentials were not valid"})
		return
	case id == clientTokenBusy:
		w.Header().Set("Retry-After", "20")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too_many_requests"})
		return
	}
	expires := 3600
	if id == clientShort {
		expires = 1 // inside x/oauth2's expiry margin: expired at once
	}
	f.mu.Lock()
	f.next++
	tok := fmt.Sprintf("tok-%d-%s", f.next, id)
	f.tokens[tok] = id
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": expires,
		"scope": "oob"})
}

func (f *fakePaychex) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		id, ok := f.tokens[tok]
		f.mu.Unlock()
		switch {
		case !ok:
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token",
				"error_description": "The access token is invalid or has expired"})
		case id == clientBusy:
			w.Header().Set("Retry-After", "30")
			paychexError(w, http.StatusTooManyRequests, "RATE_LIMIT", "Too many requests")
		case id == clientDown:
			paychexError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "Service unavailable")
		case r.PathValue("id") != "" && r.PathValue("id") != companyGood:
			paychexError(w, http.StatusNotFound, "COMPANY_NOT_FOUND", "The company was not found")
		default:
			next(w, r)
		}
	})
}

func page(w http.ResponseWriter, content []map[string]any, extra map[string]any) {
	meta := map[string]any{"contentItemCount": len(content)}
	for k, v := range extra {
		meta[k] = v
	}
	writeJSON(w, http.StatusOK, map[string]any{"metadata": meta, "content": content})
}

func (f *fakePaychex) companies(w http.ResponseWriter, _ *http.Request) {
	page(w, []map[string]any{{"companyId": companyGood, "displayId": "70125496", "legalName": "InTime Staffing LLC",
		"legalId": map[string]string{"legalIdType": "FEIN", "legalIdValue": "12-3456789"}}}, nil)
}

var workers = []map[string]any{
	{"workerId": "00H2A1IUJ5JSZ6FW9OX3", "employeeId": "1", "workerType": "EMPLOYEE", "employmentType": "FULL_TIME",
		"exemptionType": "EXEMPT", "hireDate": "2019-03-04T00:00:00Z", "name": map[string]string{"givenName": "Ada", "familyName": "Lovelace"},
		"currentStatus": map[string]string{"statusType": "ACTIVE", "statusReason": "HIRED", "effectiveDate": "2019-03-04T00:00:00Z"}},
	{"workerId": "00H2A1IUJ5JSZ6FW9OX4", "employeeId": "2", "workerType": "EMPLOYEE", "employmentType": "PART_TIME",
		"exemptionType": "NON_EXEMPT", "hireDate": "2022-06-01T00:00:00Z", "name": map[string]string{"givenName": "Grace", "familyName": "Hopper"},
		"currentStatus": map[string]string{"statusType": "ACTIVE", "statusReason": "HIRED"}},
	{"workerId": "00H2A1IUJ5JSZ6FW9OX5", "employeeId": "3", "workerType": "CONTRACTOR", "employmentType": "FULL_TIME",
		"name":          map[string]string{"givenName": "Linus", "familyName": "Torvalds"},
		"currentStatus": map[string]string{"statusType": "TERMINATED", "statusReason": "RESIGNED"}},
}

func (f *fakePaychex) workers(w http.ResponseWriter, r *http.Request) {
	offset, err1 := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, err2 := strconv.Atoi(r.URL.Query().Get("limit"))
	if err1 != nil || err2 != nil || limit < 1 || limit > 100 {
		paychexError(w, http.StatusBadRequest, "INVALID_PAGING", "offset and limit must be numbers, limit at most 100")
		return
	}
	end := min(offset+limit, len(workers))
	content := []map[string]any{}
	if offset < len(workers) {
		content = workers[offset:end]
	}
	writeJSON(w, http.StatusOK, map[string]any{"metadata": map[string]any{"contentItemCount": len(workers),
		"pagination": map[string]int{"offset": offset, "limit": limit, "itemCount": len(content)}}, "content": content})
}

func (f *fakePaychex) payPeriods(w http.ResponseWriter, r *http.Request) {
	all := []map[string]any{
		{"payPeriodId": "1080000000000001", "intervalCode": "WEEKLY", "status": "COMPLETED", "description": "Weekly 04/15/2024 - 04/21/2024",
			"startDate": "2024-04-15T00:00:00Z", "endDate": "2024-04-21T00:00:00Z", "submitByDate": "2024-04-23T00:00:00Z",
			"checkDate": "2024-04-26T00:00:00Z", "checkCount": 12},
		{"payPeriodId": "1080000000000002", "intervalCode": "WEEKLY", "status": "INITIAL", "description": "Weekly 04/22/2024 - 04/28/2024",
			"startDate": "2024-04-22T00:00:00Z", "endDate": "2024-04-28T00:00:00Z", "submitByDate": "2024-04-30T00:00:00Z",
			"checkDate": "2024-05-03T00:00:00Z", "checkCount": 0},
	}
	var out []map[string]any
	for _, p := range all {
		if s := r.URL.Query().Get("status"); s != "" && p["status"] != s {
			continue
		}
		if from := r.URL.Query().Get("from"); from != "" && p["checkDate"].(string) < from {
			continue
		}
		out = append(out, p)
	}
	page(w, out, nil)
}
