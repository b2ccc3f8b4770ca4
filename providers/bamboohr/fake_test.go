package bamboohr_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/bamboohr"
)

// The fake's API keys: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	keyGood      = "b4c1f00dfeedface0123456789abcdef01234567"
	keyBusy      = "busy-key-429"     // 429 with Retry-After: 30
	keyThrottled = "throttled-key"    // 503 with Retry-After: 20 (the older throttling answer)
	keyDown      = "down-key-500"     // 500
	keyNoDir     = "no-directory-key" // 403 on the directory
	company      = "acme"
)

type fakeEmployee struct {
	fields      map[string]string
	action      string
	lastChanged time.Time
}

// fakeBambooHR answers like BambooHR's API as documented: Basic auth with
// the API key and any password, JSON, X-BambooHR-Error-Message on errors.
type fakeBambooHR struct {
	*httptest.Server
	now func() time.Time

	mu        sync.Mutex
	employees map[string]*fakeEmployee
	updates   []map[string]any
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func newFakeBambooHR(t testing.TB) *fakeBambooHR {
	f := &fakeBambooHR{now: func() time.Time { return at("2024-05-10T12:00:00Z") }, employees: map[string]*fakeEmployee{
		"1": {map[string]string{"firstName": "Ada", "lastName": "Lovelace", "workEmail": "ada@acme.example",
			"jobTitle": "Recruiter", "department": "Talent", "status": "Active", "hireDate": "2019-03-04"},
			bamboohr.ActionUpdated, at("2024-05-01T10:00:00Z")},
		"2": {map[string]string{"firstName": "Grace", "lastName": "Hopper", "workEmail": "grace@acme.example",
			"jobTitle": "Engineer", "department": "IT", "status": "Active", "hireDate": "2024-05-02"},
			bamboohr.ActionInserted, at("2024-05-02T09:00:00Z")},
		"3": {nil, bamboohr.ActionDeleted, at("2024-05-03T08:00:00Z")},
		"4": {map[string]string{"firstName": "Margaret", "lastName": "Hamilton", "workEmail": "margaret@acme.example",
			"jobTitle": "Director", "department": "Ops", "status": "Active", "hireDate": "2015-01-12"},
			bamboohr.ActionUpdated, at("2024-04-01T00:00:00Z")},
	}}
	mux := http.NewServeMux()
	api := "/api/gateway.php/{company}/v1"
	mux.HandleFunc("GET "+api+"/meta/fields", f.metaFields)
	mux.HandleFunc("GET "+api+"/employees/directory", f.directory)
	mux.HandleFunc("GET "+api+"/employees/changed", f.changed)
	mux.HandleFunc("GET "+api+"/employees/{id}", f.employee)
	mux.HandleFunc("POST "+api+"/employees/{id}", f.update)
	f.Server = httptest.NewServer(f.auth(mux))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeBambooHR) settings(key string) providers.Settings {
	return providers.Settings{bamboohr.FieldCompanyDomain: company, bamboohr.FieldAPIKey: key, bamboohr.FieldBaseURL: f.URL}
}

func bambooError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("X-BambooHR-Error-Message", msg)
	w.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeBambooHR) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, pass, ok := r.BasicAuth()
		switch {
		case !ok || pass == "" || !slices.Contains([]string{keyGood, keyBusy, keyThrottled, keyDown, keyNoDir}, key):
			bambooError(w, http.StatusUnauthorized, "Invalid API key")
		case key == keyBusy:
			w.Header().Set("Retry-After", "30")
			bambooError(w, http.StatusTooManyRequests, "Rate limit exceeded")
		case key == keyThrottled:
			w.Header().Set("Retry-After", "20")
			bambooError(w, http.StatusServiceUnavailable, "Service temporarily unavailable")
		case key == keyDown:
			bambooError(w, http.StatusInternalServerError, "")
		case !strings.HasPrefix(r.URL.Path, "/api/gateway.php/"+company+"/"):
			bambooError(w, http.StatusNotFound, "Company not found")
		case r.Header.Get("Accept") != "application/json":
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write([]byte("<error/>")) // BambooHR answers XML without the header
		default:
			if key == keyNoDir && strings.HasSuffix(r.URL.Path, "/directory") {
				bambooError(w, http.StatusForbidden, "Directory is not shared for this company")
				return
			}
			next.ServeHTTP(w, r)
		}
	})
}

func (f *fakeBambooHR) metaFields(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, []map[string]any{{"id": 1, "name": "First Name", "type": "text", "alias": "firstName"},
		{"id": 2, "name": "Last Name", "type": "text", "alias": "lastName"}})
}

func (f *fakeBambooHR) directory(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	emps := []map[string]any{}
	for _, id := range []string{"1", "2", "4"} {
		e := f.employees[id].fields
		emps = append(emps, map[string]any{"id": id, "displayName": e["firstName"] + " " + e["lastName"],
			"firstName": e["firstName"], "lastName": e["lastName"], "preferredName": nil, "jobTitle": e["jobTitle"],
			"workPhone": nil, "mobilePhone": nil, "workEmail": e["workEmail"], "department": e["department"],
			"location": "Remote", "division": nil, "linkedIn": nil, "photoUploaded": false,
			"photoUrl": "https://resources.bamboohr.com/images/photo_person_150x150.png", "canUploadPhoto": 1})
	}
	writeJSON(w, map[string]any{"fields": []map[string]string{{"id": "displayName", "type": "text", "name": "Display name"},
		{"id": "jobTitle", "type": "list", "name": "Job title"}}, "employees": emps})
}

func (f *fakeBambooHR) changed(w http.ResponseWriter, r *http.Request) {
	since, err := time.Parse(time.RFC3339, r.URL.Query().Get("since"))
	if err != nil {
		bambooError(w, http.StatusBadRequest, "Invalid since parameter")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]any{}
	for id, e := range f.employees {
		if e.lastChanged.After(since) {
			out[id] = map[string]string{"id": id, "action": e.action, "lastChanged": e.lastChanged.Format(time.RFC3339)}
		}
	}
	writeJSON(w, map[string]any{"latest": f.now().Format("2006-01-02T15:04:05-07:00"), "employees": out})
}

func (f *fakeBambooHR) employee(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.employees[r.PathValue("id")]
	if !ok || e.fields == nil {
		bambooError(w, http.StatusNotFound, "Employee not found")
		return
	}
	out := map[string]any{"id": r.PathValue("id")}
	for _, name := range strings.Split(r.URL.Query().Get("fields"), ",") {
		if v, ok := e.fields[name]; ok {
			out[name] = v
		} else {
			out[name] = nil
		}
	}
	writeJSON(w, out)
}

var knownFields = []string{"firstName", "lastName", "workEmail", "jobTitle", "department", "status", "hireDate", "mobilePhone"}

func (f *fakeBambooHR) update(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&in) != nil {
		bambooError(w, http.StatusBadRequest, "Malformed request")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.employees[r.PathValue("id")]
	if !ok || e.fields == nil {
		bambooError(w, http.StatusNotFound, "Employee not found")
		return
	}
	for k := range in {
		if !slices.Contains(knownFields, k) {
			bambooError(w, http.StatusBadRequest, "Invalid field: "+k)
			return
		}
	}
	for k, v := range in {
		e.fields[k], _ = v.(string)
	}
	e.action, e.lastChanged = bamboohr.ActionUpdated, f.now()
	f.updates = append(f.updates, in)
}

// Updates returns the update requests' bodies.
func (f *fakeBambooHR) Updates() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.updates...)
}
