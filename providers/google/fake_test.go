package google_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/google"
	"github.com/intimeos/integrations/providers/internal/testkit"
)

// The fake's access tokens: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	tokGood      = "ya29.a0AfB_good-token"
	tokBusy      = "ya29.busy"      // 429 rateLimitExceeded with Retry-After: 30
	tokUserRate  = "ya29.user-rate" // 403 userRateLimitExceeded
	tokDown      = "ya29.down"      // 503 backendError
	tokReadOnly  = "ya29.read-only" // 403 insufficientPermissions (scope)
	calRecruit   = "recruiting@example.com"
	calBusy      = "interviewer@example.com" // busy 2030-03-04 15:00-16:00 UTC
	eventForeign = "foreign0event"           // organized by someone else
)

// fakeGoogle answers like the Google Calendar API v3 as documented: bearer
// tokens, the Event resource, events insert/get/patch/delete with
// sendUpdates and conferenceDataVersion, client-chosen base32hex event IDs
// with 409 duplicate, 410 for a deleted event, freebusy.query, and
// {"error": {"code", "message", "status", "errors": [{"domain", "reason",
// "message"}]}} error bodies: 401 authError with WWW-Authenticate, 403
// reasons, 429 with Retry-After, 503 backendError.
type fakeGoogle struct {
	*httptest.Server
	// accept says which tokens are valid, besides the behaviour tokens;
	// nil means tokGood only.
	accept func(token string) bool
	// Recorder records the requests; its Forget keeps no events either.
	testkit.Recorder

	mu     sync.Mutex
	next   int
	events map[string]*fakeEvent // by calendar + "/" + ID
}

// fakeEvent is a stored Event resource.
type fakeEvent struct {
	ID             string            `json:"id"`
	Status         string            `json:"status"`
	HTMLLink       string            `json:"htmlLink"`
	ICalUID        string            `json:"iCalUID"`
	Summary        string            `json:"summary,omitempty"`
	Description    string            `json:"description,omitempty"`
	Location       string            `json:"location,omitempty"`
	Start          map[string]string `json:"start"`
	End            map[string]string `json:"end"`
	Attendees      []map[string]any  `json:"attendees,omitempty"`
	Organizer      map[string]any    `json:"organizer"`
	HangoutLink    string            `json:"hangoutLink,omitempty"`
	ConferenceData map[string]any    `json:"conferenceData,omitempty"`
	Sequence       int               `json:"sequence"`
}

func newFakeGoogle(t testing.TB) *fakeGoogle {
	f := &fakeGoogle{events: map[string]*fakeEvent{}}
	f.events["primary/"+eventForeign] = &fakeEvent{ID: eventForeign, Status: "confirmed",
		Organizer: map[string]any{"email": "someone@elsewhere.example"}, Start: map[string]string{}, End: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /calendar/v3/calendars/{cal}", f.calendarGet)
	mux.HandleFunc("POST /calendar/v3/calendars/{cal}/events", f.insert)
	mux.HandleFunc("GET /calendar/v3/calendars/{cal}/events/{id}", f.get)
	mux.HandleFunc("PATCH /calendar/v3/calendars/{cal}/events/{id}", f.patch)
	mux.HandleFunc("DELETE /calendar/v3/calendars/{cal}/events/{id}", f.delete)
	mux.HandleFunc("POST /calendar/v3/freeBusy", f.freeBusy)
	f.Server = httptest.NewServer(f.Record(f.auth(mux)))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeGoogle) settings(token string) providers.Settings {
	return providers.Settings{google.FieldCalendarID: "primary", google.FieldBaseURL: f.URL,
		providers.SettingAccessToken: token}
}

func googleError(w http.ResponseWriter, code int, status, reason, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status,
		"errors": []map[string]any{{"domain": domainOf(reason), "reason": reason, "message": msg}}}})
}

func domainOf(reason string) string {
	if strings.Contains(reason, "RateLimit") || strings.Contains(reason, "rateLimit") {
		return "usageLimits"
	}
	return "global"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// auth checks the bearer token.
func (f *fakeGoogle) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch {
		case tok == tokBusy:
			w.Header().Set("Retry-After", "30")
			googleError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Rate Limit Exceeded")
		case tok == tokUserRate:
			googleError(w, http.StatusForbidden, "PERMISSION_DENIED", "userRateLimitExceeded", "User Rate Limit Exceeded")
		case tok == tokDown:
			googleError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "backendError", "Backend Error")
		case tok == tokReadOnly:
			googleError(w, http.StatusForbidden, "PERMISSION_DENIED", "insufficientPermissions",
				"Request had insufficient authentication scopes.")
		case !f.valid(tok):
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
			googleError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "authError",
				"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func (f *fakeGoogle) valid(tok string) bool {
	if f.accept != nil {
		return f.accept(tok)
	}
	return tok == tokGood
}

var knownCalendars = map[string]bool{"primary": true, calRecruit: true, calBusy: true}

func (f *fakeGoogle) calendarGet(w http.ResponseWriter, r *http.Request) {
	cal := r.PathValue("cal")
	if !knownCalendars[cal] {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "notFound", "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "calendar#calendar", "etag": `"1"`, "id": cal,
		"summary": cal, "timeZone": "UTC"})
}

var eventIDPattern = regexp.MustCompile(`^[a-v0-9]{5,}$`)

var validSendUpdates = map[string]bool{"": true, "all": true, "externalOnly": true, "none": true}

func (f *fakeGoogle) insert(w http.ResponseWriter, r *http.Request) {
	var in fakeEvent
	if !f.decode(w, r, &in) {
		return
	}
	if msg := invalidEvent(&in, r.URL.Query()); msg != "" {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "invalid", msg)
		return
	}
	key := r.PathValue("cal") + "/" + in.ID
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.ID == "" {
		f.next++
		in.ID = fmt.Sprintf("ev%010d", f.next)
		key += in.ID
	} else if _, dup := f.events[key]; dup {
		googleError(w, http.StatusConflict, "ALREADY_EXISTS", "duplicate", "The requested identifier already exists.")
		return
	}
	in.Status, in.ICalUID = "confirmed", in.ID+"@google.com"
	in.HTMLLink = "https://www.google.com/calendar/event?eid=" + in.ID
	in.Organizer = map[string]any{"email": r.PathValue("cal"), "self": true}
	if r.URL.Query().Get("conferenceDataVersion") == "1" && in.ConferenceData != nil {
		in.HangoutLink = "https://meet.google.com/abc-defg-" + in.ID[:3]
		in.ConferenceData = map[string]any{"entryPoints": []map[string]any{
			{"entryPointType": "video", "uri": in.HangoutLink, "label": "meet.google.com/abc-defg-" + in.ID[:3]}},
			"conferenceSolution": map[string]any{"key": map[string]any{"type": "hangoutsMeet"}, "name": "Google Meet"}}
	} else {
		in.ConferenceData = nil
	}
	if !f.Forget {
		f.events[key] = &in
	}
	writeJSON(w, http.StatusOK, in)
}

// invalidEvent returns Google's message for an event it refuses, or "".
func invalidEvent(e *fakeEvent, q url.Values) string {
	start, err1 := time.Parse(time.RFC3339, e.Start["dateTime"])
	end, err2 := time.Parse(time.RFC3339, e.End["dateTime"])
	switch {
	case !validSendUpdates[q.Get("sendUpdates")]:
		return "Invalid value for sendUpdates"
	case e.ID != "" && (!eventIDPattern.MatchString(e.ID) || len(e.ID) > 1024):
		return "Invalid resource id value."
	case err1 != nil || err2 != nil:
		return "Missing end time."
	case !end.After(start):
		return "The specified time range is empty."
	}
	for _, a := range e.Attendees {
		if s, _ := a["email"].(string); !strings.Contains(s, "@") {
			return "Invalid attendee email."
		}
	}
	return ""
}

func (f *fakeGoogle) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.NewDecoder(r.Body).Decode(v) != nil {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "parseError", "Parse Error")
		return false
	}
	return true
}

// event returns the stored event of the request's path, or answers 404.
func (f *fakeGoogle) event(w http.ResponseWriter, r *http.Request) *fakeEvent {
	e, ok := f.events[r.PathValue("cal")+"/"+r.PathValue("id")]
	if !ok {
		googleError(w, http.StatusNotFound, "NOT_FOUND", "notFound", "Not Found")
		return nil
	}
	return e
}

func (f *fakeGoogle) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e := f.event(w, r); e != nil {
		writeJSON(w, http.StatusOK, e)
	}
}

func (f *fakeGoogle) patch(w http.ResponseWriter, r *http.Request) {
	var in map[string]json.RawMessage
	if !f.decode(w, r, &in) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.event(w, r)
	if e == nil {
		return
	}
	merged := *e
	b, _ := json.Marshal(in)
	_ = json.Unmarshal(b, &merged)
	if msg := invalidEvent(&merged, r.URL.Query()); msg != "" {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "invalid", msg)
		return
	}
	merged.Sequence++
	*e = merged
	writeJSON(w, http.StatusOK, e)
}

func (f *fakeGoogle) delete(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.event(w, r)
	switch {
	case e == nil:
	case e.ID == eventForeign:
		googleError(w, http.StatusForbidden, "PERMISSION_DENIED", "forbiddenForNonOrganizer",
			"Shared properties can only be changed by the organizer of the event.")
	case e.Status == "cancelled":
		googleError(w, http.StatusGone, "GONE", "deleted", "Resource has been deleted")
	default:
		e.Status = "cancelled"
		w.WriteHeader(http.StatusNoContent)
	}
}

// Event returns a stored event.
func (f *fakeGoogle) Event(cal, id string) *fakeEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.events[cal+"/"+id]; ok {
		c := *e
		return &c
	}
	return nil
}

func (f *fakeGoogle) freeBusy(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TimeMin string              `json:"timeMin"`
		TimeMax string              `json:"timeMax"`
		Items   []map[string]string `json:"items"`
	}
	if !f.decode(w, r, &in) {
		return
	}
	_, err1 := time.Parse(time.RFC3339, in.TimeMin)
	_, err2 := time.Parse(time.RFC3339, in.TimeMax)
	if err1 != nil || err2 != nil || len(in.Items) > 50 {
		googleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "invalid", "Bad Request")
		return
	}
	cals := map[string]any{}
	for _, it := range in.Items {
		switch id := it["id"]; {
		case id == calBusy:
			cals[id] = map[string]any{"busy": []map[string]string{{"start": "2030-03-04T15:00:00Z", "end": "2030-03-04T16:00:00Z"}}}
		case knownCalendars[id]:
			cals[id] = map[string]any{"busy": []any{}}
		default:
			cals[id] = map[string]any{"errors": []map[string]string{{"domain": "global", "reason": "notFound"}}, "busy": []any{}}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "calendar#freeBusy", "timeMin": in.TimeMin,
		"timeMax": in.TimeMax, "calendars": cals})
}
