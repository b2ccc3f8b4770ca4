package checkr_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fake's API keys: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	keyGood    = "test_4f1c2e8a9b"
	keyBusy    = "test_busy"    // 429 with Retry-After: 30
	keyBusyAt  = "test_busy_at" // 429 with X-Ratelimit-Reset only
	keyDown    = "test_down"    // 503
	keyRevoked = "test_revoked" // 401
)

// fakeCheckr answers like Checkr's API v1 as documented: HTTP Basic auth
// with the API key as user name and an empty password, JSON or form
// bodies, 201 with the created object, {"error": "..."} bodies with
// 400/401/404/409/422, 429 with Retry-After (or X-Ratelimit-Reset).
type fakeCheckr struct {
	*httptest.Server
	now func() time.Time

	mu         sync.Mutex
	next       int
	candidates map[string]map[string]any
	customIDs  map[string]bool
	requests   []fakeRequest
}

type fakeRequest struct {
	Method, Path, ContentType string
	Fields                    map[string]any
}

func newFakeCheckr(t *testing.T) *fakeCheckr {
	f := &fakeCheckr{
		now:        func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) },
		candidates: map[string]map[string]any{"cand_fixture": {"id": "cand_fixture", "email": "fixture@example.com"}},
		customIDs:  map[string]bool{"dup-1": true},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/account", f.account)
	mux.HandleFunc("POST /v1/candidates", f.candidateCreate)
	mux.HandleFunc("POST /v1/invitations", f.invitationCreate)
	mux.HandleFunc("GET /v1/reports/{id}", f.reportGet)
	f.Server = httptest.NewServer(f.auth(mux))
	t.Cleanup(f.Close)
	return f
}

// BaseURL is the fake's API base, as the baseUrl setting takes it.
func (f *fakeCheckr) BaseURL() string { return f.URL + "/v1" }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func (f *fakeCheckr) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		switch {
		case !ok || pass != "" || user == keyRevoked || !strings.HasPrefix(user, "test_"):
			writeError(w, http.StatusUnauthorized, "Bad authentication error")
		case user == keyBusy:
			w.Header().Set("Retry-After", "30")
			writeError(w, http.StatusTooManyRequests, "Too many requests")
		case user == keyBusyAt:
			w.Header().Set("X-Ratelimit-Reset", fmt.Sprint(f.now().Add(42*time.Second).Unix()))
			writeError(w, http.StatusTooManyRequests, "Too many requests")
		case user == keyDown:
			writeError(w, http.StatusServiceUnavailable, "Service unavailable")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// fields decodes a JSON or form body and records the request.
func (f *fakeCheckr) fields(r *http.Request) map[string]any {
	m := map[string]any{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.NewDecoder(r.Body).Decode(&m)
	} else if r.ParseForm() == nil {
		for k := range r.PostForm {
			m[k] = r.PostForm.Get(k)
		}
	}
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), m})
	f.mu.Unlock()
	return m
}

func (f *fakeCheckr) account(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"id": "acc_1", "object": "account", "name": "InTime Staffing"})
}

func (f *fakeCheckr) candidateCreate(w http.ResponseWriter, r *http.Request) {
	in := f.fields(r)
	email, _ := in["email"].(string)
	custom, _ := in["custom_id"].(string)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case email == "":
		writeError(w, http.StatusBadRequest, "email is required")
		return
	case strings.HasSuffix(email, "@rejected.example"):
		writeError(w, http.StatusUnprocessableEntity, "Email is invalid")
		return
	case f.customIDs[custom]:
		writeError(w, http.StatusConflict, "Candidate with custom_id already exists")
		return
	}
	f.next++
	id := fmt.Sprintf("cand_%04d", f.next)
	c := map[string]any{"object": "candidate", "uri": "/v1/candidates/" + id,
		"created_at": f.now().Format(time.RFC3339), "report_ids": []string{}}
	for k, v := range in {
		c[k] = v
	}
	c["id"] = id
	f.candidates[id] = c
	if custom != "" {
		f.customIDs[custom] = true
	}
	writeJSON(w, http.StatusCreated, c)
}

func (f *fakeCheckr) invitationCreate(w http.ResponseWriter, r *http.Request) {
	in := f.fields(r)
	cand, _ := in["candidate_id"].(string)
	pkg, _ := in["package"].(string)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case pkg == "":
		writeError(w, http.StatusBadRequest, "package is required")
		return
	case f.candidates[cand] == nil:
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	f.next++
	id := fmt.Sprintf("inv_%04d", f.next)
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": id, "object": "invitation", "uri": "/v1/invitations/" + id, "status": "pending",
		"invitation_url": "https://apply.checkr.com/invite/acme/" + id, "package": pkg, "candidate_id": cand,
		"created_at": f.now().Format(time.RFC3339), "expires_at": f.now().Add(7 * 24 * time.Hour).Format(time.RFC3339),
	})
}

// reports are the fake's reports, as Checkr returns them.
var reports = map[string]string{
	"rpt_clear": `{"id":"rpt_clear","object":"report","uri":"/v1/reports/rpt_clear","status":"complete","result":"clear",
		"package":"driver_pro","candidate_id":"cand_fixture","created_at":"2024-04-30T09:00:00Z","completed_at":"2024-05-01T10:30:00Z"}`,
	"rpt_pending": `{"id":"rpt_pending","object":"report","status":"pending","result":null,"package":"tasker_standard",
		"candidate_id":"cand_fixture","created_at":"2024-04-30T09:00:00Z","completed_at":null}`,
}

func (f *fakeCheckr) reportGet(w http.ResponseWriter, r *http.Request) {
	body, ok := reports[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(body))
}

// Requests returns the recorded create requests.
func (f *fakeCheckr) Requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}
