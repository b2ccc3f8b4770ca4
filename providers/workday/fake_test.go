package workday_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/workday"
)

// The fake's access tokens: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	tokGood      = "wd-good-access-token"
	tokBusy      = "wd-busy"      // 429 with Retry-After: 20
	tokDown      = "wd-down"      // 503
	tokForbidden = "wd-forbidden" // 403: the API client lacks the domain
	tenant       = "acme"
	host         = "wd2-impl-services1.workday.com"
	// The named workers; the fake adds generated ones.
	widAda      = "3aa5550b7fe348b98d7b5741afc65534"
	widGrace    = "0e44c92412d34b01ace61e80a47aaf6d"
	widMargaret = "dd7b18bd75894bd7995a50d42d484956"
	widGone     = "6dcb8106e8b74b1d8b2d8f0e1e9a0001" // terminated
)

// fakeWorker is a worker as the fake stores it.
type fakeWorker struct {
	w          workday.Worker
	terminated bool
}

// fakeWorkday answers like Workday's REST API, common service v1, as
// documented: bearer tokens; GET /ccx/api/v1/{tenant}/workers (limit 1 to
// 100, default 20; offset; search; includeTerminatedWorkers; {"total",
// "data"}); GET /workers/{ID}; POST /workers/{ID}/businessTitleChanges
// (201); {"error", "errors": [{"error", "field"}]} bodies; 401, 403, 404,
// 429 with Retry-After, 503.
type fakeWorkday struct {
	*httptest.Server
	mu      sync.Mutex
	workers []*fakeWorker // sorted by descriptor
	changes []map[string]any
	queries []string
	// extraTotal is added to the total reported (a tenant shrinking while
	// it is read).
	extraTotal int
}

func newFakeWorkday(t testing.TB, generated int) *fakeWorkday {
	ref := func(id, name, kind string) *workday.Reference {
		return &workday.Reference{ID: id, Descriptor: name, Href: "https://" + host + "/ccx/api/v1/" + tenant + "/" + kind + "/" + id}
	}
	sup := ref("2b9dd606a65442768420d425f580a1c6", "Talent Acquisition", "supervisoryOrganizations")
	sf := ref("9248c7a4d1a24e8b8e6f2d3c4b5a6978", "San Francisco", "locations")
	f := &fakeWorkday{workers: []*fakeWorker{
		{w: workday.Worker{ID: widAda, Descriptor: "Ada Lovelace", BusinessTitle: "Recruiter", PrimaryWorkEmail: "ada@acme.example",
			PrimaryWorkPhone: "+1 (415) 555-0163", PrimarySupervisoryOrganization: sup, Location: sf}},
		{w: workday.Worker{ID: widGrace, Descriptor: "Grace Hopper", BusinessTitle: "Engineer", PrimaryWorkEmail: "grace@acme.example",
			IsManager: true, PrimarySupervisoryOrganization: sup}},
		{w: workday.Worker{ID: widMargaret, Descriptor: "Margaret Hamilton", BusinessTitle: "Director",
			PrimaryWorkEmail: "margaret@acme.example", Location: sf}},
		{w: workday.Worker{ID: widGone, Descriptor: "Mary Jackson", BusinessTitle: "Analyst"}, terminated: true},
	}}
	for i := range generated {
		f.workers = append(f.workers, &fakeWorker{w: workday.Worker{ID: fmt.Sprintf("%032x", 0xf00d0000+i),
			Descriptor: fmt.Sprintf("Worker %04d", i), BusinessTitle: "Associate"}})
	}
	for _, fw := range f.workers {
		fw.w.Href = "https://" + host + "/ccx/api/v1/" + tenant + "/workers/" + fw.w.ID
	}
	mux := http.NewServeMux()
	api := "/ccx/api/v1/{tenant}"
	mux.HandleFunc("GET "+api+"/workers", f.list)
	mux.HandleFunc("GET "+api+"/workers/{id}", f.get)
	mux.HandleFunc("POST "+api+"/workers/{id}/businessTitleChanges", f.titleChange)
	f.Server = httptest.NewServer(f.auth(mux))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeWorkday) settings(token string) providers.Settings {
	return providers.Settings{workday.FieldHost: host, workday.FieldTenant: tenant, workday.FieldBaseURL: f.URL,
		providers.SettingAccessToken: token}
}

func wdError(w http.ResponseWriter, status int, msg string, fieldErrs ...[2]string) {
	body := map[string]any{"error": msg}
	if len(fieldErrs) > 0 {
		var errs []map[string]string
		for _, fe := range fieldErrs {
			errs = append(errs, map[string]string{"field": fe[0], "error": fe[1]})
		}
		body["errors"] = errs
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeWorkday) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); tok {
		case tokGood:
		case tokBusy:
			w.Header().Set("Retry-After", "20")
			wdError(w, http.StatusTooManyRequests, "Too many requests")
			return
		case tokDown:
			wdError(w, http.StatusServiceUnavailable, "The service is temporarily unavailable")
			return
		case tokForbidden:
			wdError(w, http.StatusForbidden, "The task submitted is not authorized.")
			return
		default:
			wdError(w, http.StatusUnauthorized, "invalid request: invalid or expired token")
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/ccx/api/v1/"+tenant+"/") {
			wdError(w, http.StatusNotFound, "The tenant could not be found")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (f *fakeWorkday) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := 20, 0
	var err error
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 100 {
			wdError(w, http.StatusBadRequest, "Invalid request", [2]string{"limit", "limit must be between 1 and 100"})
			return
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			wdError(w, http.StatusBadRequest, "Invalid request", [2]string{"offset", "offset must not be negative"})
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, r.URL.RawQuery)
	var match []workday.Worker
	for _, fw := range f.workers {
		if fw.terminated && q.Get("includeTerminatedWorkers") != "true" {
			continue
		}
		if s := strings.ToLower(q.Get("search")); s != "" && !strings.Contains(strings.ToLower(fw.w.Descriptor), s) {
			continue
		}
		match = append(match, fw.w)
	}
	data := []workday.Worker{}
	if offset < len(match) {
		data = match[offset:min(offset+limit, len(match))]
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(match) + f.extraTotal, "data": data})
}

// worker returns the stored worker of the path's ID; the caller holds mu.
func (f *fakeWorkday) worker(id string) *fakeWorker {
	i := slices.IndexFunc(f.workers, func(fw *fakeWorker) bool { return fw.w.ID == id })
	if i < 0 {
		return nil
	}
	return f.workers[i]
}

func (f *fakeWorkday) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fw := f.worker(r.PathValue("id"))
	if fw == nil {
		wdError(w, http.StatusNotFound, "Resource not found: workers/"+r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, fw.w)
}

func (f *fakeWorkday) titleChange(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	b, _ := io.ReadAll(r.Body)
	if r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &in) != nil {
		wdError(w, http.StatusBadRequest, "Invalid request body")
		return
	}
	title, _ := in["proposedBusinessTitle"].(string)
	if strings.TrimSpace(title) == "" {
		wdError(w, http.StatusBadRequest, "Validation error occurred.",
			[2]string{"proposedBusinessTitle", "Proposed Business Title is required"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	fw := f.worker(r.PathValue("id"))
	if fw == nil {
		wdError(w, http.StatusNotFound, "Resource not found: workers/"+r.PathValue("id"))
		return
	}
	f.changes = append(f.changes, in)
	fw.w.BusinessTitle = title
	writeJSON(w, http.StatusCreated, map[string]any{"id": fmt.Sprintf("%032x", len(f.changes)),
		"descriptor": "Business Title Change: " + fw.w.Descriptor, "proposedBusinessTitle": title})
}

// Changes returns the business title change requests' bodies.
func (f *fakeWorkday) Changes() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.changes)
}

// Queries returns the query strings of the worker lists served.
func (f *fakeWorkday) Queries() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.queries)
}

// Title returns a worker's business title.
func (f *fakeWorkday) Title(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.worker(id).w.BusinessTitle
}

// SetExtraTotal makes the fake report n more workers than it has.
func (f *fakeWorkday) SetExtraTotal(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.extraTotal = n
}
