package linkedin_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/linkedin"
)

// The fake's access tokens: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	tokGood    = "AQV-good-partner-token"
	tokBusy    = "AQV-busy"       // 429 with Retry-After: 60
	tokDown    = "AQV-down"       // 503
	tokNoJobs  = "AQV-no-program" // 403: not in the Job Posting program
	tokExpired = "AQV-expired"    // 401 serviceErrorCode 65602
	orgID      = "2414183"
	// seededTask is a task the fake has already processed.
	seededTask = "urn:li:simpleJobPostingTask:7e6b1a52-58d6-4f8e-a1c1-0c5d6f1c9a01"
)

// activeVersions are the LinkedIn-Version values the fake serves.
var activeVersions = []string{"202601", "202603", "202606"}

// fakeTask is one posting task.
type fakeTask struct {
	op, externalID, jobPosting, errorMessage string
	done                                     bool
}

// fakeLinkedIn answers like LinkedIn's versioned Job Posting API as
// documented: bearer tokens; LinkedIn-Version (400 when missing, 426 when
// not active) and X-Restli-Protocol-Version: 2.0.0; POST
// /rest/simpleJobPostings (X-RestLi-Method: BATCH_CREATE; 200 with an
// entry per element, 202 and a task URN, or 422 for an invalid element);
// GET /rest/simpleJobPostingTasks?ids=List(...) (URL-encoded URNs; results
// and errors keyed by URN); {"status", "serviceErrorCode", "message"}
// error bodies. Tasks stay IN_PROGRESS until Process, which posts, updates
// and closes jobs as LinkedIn would: a create of a known job and an update
// or close of an unknown one fail.
type fakeLinkedIn struct {
	*httptest.Server
	mu    sync.Mutex
	next  int
	tasks map[string]*fakeTask
	jobs  map[string]string // externalJobPostingId -> state (open, closed)
	testkit.Recorder
}

func newFakeLinkedIn(t testing.TB) *fakeLinkedIn {
	f := &fakeLinkedIn{tasks: map[string]*fakeTask{
		seededTask: {op: "CREATE", externalID: "REQ-1", jobPosting: "urn:li:jobPosting:3875912345", done: true},
	}, jobs: map[string]string{"REQ-1": "open"}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rest/simpleJobPostings", f.post)
	mux.HandleFunc("GET /rest/simpleJobPostingTasks", f.getTasks)
	f.Server = httptest.NewServer(f.Record(f.auth(mux)))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeLinkedIn) settings(token string) providers.Settings {
	return providers.Settings{linkedin.FieldOrganizationID: orgID, linkedin.FieldBaseURL: f.URL,
		providers.SettingAccessToken: token}
}

func liError(w http.ResponseWriter, status, serviceCode int, code, msg string) {
	body := map[string]any{"status": status, "message": msg}
	if serviceCode != 0 {
		body["serviceErrorCode"] = serviceCode
	}
	if code != "" {
		body["code"] = code
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Restli-Protocol-Version", "2.0.0")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeLinkedIn) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); tok {
		case tokGood:
		case tokBusy:
			w.Header().Set("Retry-After", "60")
			liError(w, http.StatusTooManyRequests, 101, "",
				"Resource level throttle APPLICATION DAY limit for calls to this resource is reached.")
			return
		case tokDown:
			liError(w, http.StatusServiceUnavailable, 0, "", "Service Unavailable")
			return
		case tokNoJobs:
			liError(w, http.StatusForbidden, 100, "ACCESS_DENIED",
				"Caller is not authorized to access the jobs for contract: urn:li:contract:0")
			return
		case tokExpired:
			liError(w, http.StatusUnauthorized, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired")
			return
		default:
			liError(w, http.StatusUnauthorized, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token")
			return
		}
		v := r.Header.Get("LinkedIn-Version")
		switch {
		case v == "":
			liError(w, http.StatusBadRequest, 0, "VERSION_MISSING",
				"A version must be present. Please specify a version by adding the LinkedIn-Version header.")
		case !slices.Contains(activeVersions, v):
			liError(w, http.StatusUpgradeRequired, 0, "NONEXISTENT_VERSION", "Requested version "+v+" is not active")
		case r.Header.Get("X-Restli-Protocol-Version") != "2.0.0":
			liError(w, http.StatusBadRequest, 0, "", "Rest.li protocol version 2.0.0 is required")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

var required = []string{"companyApplyUrl", "externalJobPostingId", "jobPostingOperationType", "description", "title",
	"listedAt", "location"}

func (f *fakeLinkedIn) post(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("X-RestLi-Method"), "BATCH_CREATE") {
		liError(w, http.StatusBadRequest, 0, "", "Invalid method: POST without X-RestLi-Method batch_create")
		return
	}
	var in struct {
		Elements []map[string]any `json:"elements"`
	}
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&in) != nil {
		liError(w, http.StatusBadRequest, 0, "", "Cannot parse request entity")
		return
	}
	if len(in.Elements) == 0 || len(in.Elements) > 100 {
		liError(w, http.StatusBadRequest, 0, "", "A batch holds 1 to 100 elements")
		return
	}
	out := make([]map[string]any, 0, len(in.Elements))
	for _, e := range in.Elements {
		out = append(out, f.element(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"elements": out})
}

// element answers one element of a batch: a task, or a 422 entry.
func (f *fakeLinkedIn) element(e map[string]any) map[string]any {
	if msg := invalidElement(e); msg != "" {
		return map[string]any{"status": 422, "error": map[string]any{"message": msg, "status": 422}}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	id := fmt.Sprintf("urn:li:simpleJobPostingTask:0a1b2c3d-0000-4000-8000-%012d", f.next)
	f.tasks[id] = &fakeTask{op: e["jobPostingOperationType"].(string), externalID: e["externalJobPostingId"].(string)}
	return map[string]any{"status": 202, "id": id, "location": "/simpleJobPostings/" + url.PathEscape(id)}
}

// invalidElement returns LinkedIn's message for an element it refuses.
func invalidElement(e map[string]any) string {
	for _, k := range required {
		if _, ok := e[k]; !ok {
			return "ERROR :: /" + k + " :: field is required but not found and has no default value\n"
		}
	}
	if op := e["jobPostingOperationType"]; !slices.Contains([]string{"CREATE", "UPDATE", "RENEW", "CLOSE"}, fmt.Sprint(op)) {
		return fmt.Sprintf("ERROR :: /jobPostingOperationType :: %q is not an enum symbol\n", op)
	}
	if ctx, _ := e["integrationContext"].(string); ctx != "urn:li:organization:"+orgID {
		return "ERROR :: /integrationContext :: Invalid organization urn"
	}
	if d, _ := e["description"].(string); utf8.RuneCountInString(d) < 100 {
		return "ERROR :: /description :: length of String is less than the minimum length 100"
	}
	if _, ok := e["listedAt"].(float64); !ok {
		return "ERROR :: /listedAt :: not a long"
	}
	if wt, ok := e["workplaceTypes"].([]any); ok && (len(wt) != 1 || !slices.Contains([]string{"On-site", "Hybrid", "Remote"}, fmt.Sprint(wt[0]))) {
		return "ERROR :: /workplaceTypes :: invalid workplace type"
	}
	return ""
}

func (f *fakeLinkedIn) getTasks(w http.ResponseWriter, r *http.Request) {
	raw, ok := strings.CutPrefix(r.URL.RawQuery, "ids=List(")
	raw, ok2 := strings.CutSuffix(raw, ")")
	if !ok || !ok2 || strings.Contains(raw, ":") {
		liError(w, http.StatusBadRequest, 0, "", "Batch key parameter value is invalid")
		return
	}
	results, errs := map[string]any{}, map[string]any{}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, enc := range strings.Split(raw, ",") {
		id, err := url.QueryUnescape(enc)
		if err != nil {
			liError(w, http.StatusBadRequest, 0, "", "Batch key parameter value is invalid")
			return
		}
		t, ok := f.tasks[id]
		if !ok {
			errs[id] = map[string]any{"status": 404, "message": "Not Found"}
			continue
		}
		res := map[string]any{"id": id, "status": "IN_PROGRESS"}
		if t.done {
			res["status"] = "SUCCEEDED"
			if t.errorMessage != "" {
				res["status"], res["errorMessage"] = "FAILED", t.errorMessage
			}
			if t.jobPosting != "" {
				res["jobPosting"] = t.jobPosting
			}
		}
		results[id] = res
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "statuses": map[string]any{}, "errors": errs})
}

// Process completes the pending tasks in order, as LinkedIn's processing
// would.
func (f *fakeLinkedIn) Process() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 1; i <= f.next; i++ {
		id := fmt.Sprintf("urn:li:simpleJobPostingTask:0a1b2c3d-0000-4000-8000-%012d", i)
		t := f.tasks[id]
		if t == nil || t.done {
			continue
		}
		t.done = true
		state := f.jobs[t.externalID]
		switch {
		case t.op == "CREATE" && state != "":
			t.errorMessage = "Job with externalJobPostingId " + t.externalID + " already exists"
		case t.op != "CREATE" && state == "":
			t.errorMessage = "Job with externalJobPostingId " + t.externalID + " does not exist"
		case t.op == "CLOSE":
			f.jobs[t.externalID] = "closed"
		default:
			f.jobs[t.externalID] = "open"
		}
		if t.errorMessage == "" {
			t.jobPosting = fmt.Sprintf("urn:li:jobPosting:38759%05d", i)
		}
	}
}

// Job returns a job's state: open, closed or "".
func (f *fakeLinkedIn) Job(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.jobs[id]
}
