package microsoft_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/microsoft"
)

// The fake's access tokens: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	tokGood   = "eyJ0eXAiOiJKV1QiLCJub25jZSI6.good"
	tokBusy   = "eyJ.busy"   // 429 ApplicationThrottled with Retry-After: 30
	tokDown   = "eyJ.down"   // 503 ServiceNotAvailable with Retry-After: 10
	tokDenied = "eyJ.denied" // 403 ErrorAccessDenied
	// The tenant's mailboxes.
	boxMe        = "recruiter@contoso.example" // the signed-in user
	boxRoom      = "room4@contoso.example"
	boxBusy      = "interviewer@contoso.example" // busy 15:00-16:00 UTC, tentative 17:00-17:30
	eventForeign = "AAMkAGforeign="              // organized by someone else
)

// fakeGraph answers like Microsoft Graph v1.0 as documented: bearer tokens;
// /me and /users/{id|userPrincipalName}; events create (transactionId
// de-duplicated), patch and the cancel action (202, then 404); getSchedule;
// onlineMeetings create, createOrGet by externalId, patch and delete;
// dateTimeTimeZone values answered in the zone of the Prefer:
// outlook.timezone header; and {"error": {"code", "message",
// "innerError"}} error bodies: 401 InvalidAuthenticationToken with
// WWW-Authenticate, 403 ErrorAccessDenied, 404 ErrorItemNotFound, 429 and
// 503 with Retry-After.
type fakeGraph struct {
	*httptest.Server
	mu       sync.Mutex
	next     int
	events   map[string]*fakeEvent   // by mailbox + "/" + ID
	meetings map[string]*fakeMeeting // by mailbox + "/" + ID
	testkit.Recorder
}

type fakeEvent struct {
	ID                    string            `json:"id"`
	ICalUID               string            `json:"iCalUId"`
	WebLink               string            `json:"webLink"`
	Subject               string            `json:"subject"`
	Body                  map[string]string `json:"body,omitempty"`
	Location              map[string]string `json:"location,omitempty"`
	Start                 map[string]string `json:"start"`
	End                   map[string]string `json:"end"`
	Attendees             []map[string]any  `json:"attendees,omitempty"`
	IsOnlineMeeting       bool              `json:"isOnlineMeeting"`
	OnlineMeetingProvider string            `json:"onlineMeetingProvider,omitempty"`
	OnlineMeeting         map[string]string `json:"onlineMeeting,omitempty"`
	TransactionID         string            `json:"transactionId,omitempty"`
	IsCancelled           bool              `json:"isCancelled"`
	Organizer             map[string]any    `json:"organizer"`
}

type fakeMeeting struct {
	ID                    string         `json:"id"`
	ExternalID            string         `json:"externalId,omitempty"`
	Subject               string         `json:"subject"`
	StartDateTime         string         `json:"startDateTime"`
	EndDateTime           string         `json:"endDateTime"`
	JoinWebURL            string         `json:"joinWebUrl"`
	Participants          map[string]any `json:"participants,omitempty"`
	JoinMeetingIDSettings map[string]any `json:"joinMeetingIdSettings"`
}

func newFakeGraph(t testing.TB) *fakeGraph {
	f := &fakeGraph{events: map[string]*fakeEvent{}, meetings: map[string]*fakeMeeting{}}
	f.events[boxMe+"/"+eventForeign] = &fakeEvent{ID: eventForeign, Subject: "Someone's meeting",
		Organizer: map[string]any{"emailAddress": map[string]string{"address": "boss@contoso.example"}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1.0/me", f.me)
	for _, prefix := range []string{"/v1.0/me", "/v1.0/users/{user}"} {
		mux.HandleFunc("POST "+prefix+"/events", f.mailbox(f.eventCreate))
		mux.HandleFunc("PATCH "+prefix+"/events/{id}", f.mailbox(f.eventPatch))
		mux.HandleFunc("POST "+prefix+"/events/{id}/cancel", f.mailbox(f.eventCancel))
		mux.HandleFunc("POST "+prefix+"/calendar/getSchedule", f.mailbox(f.getSchedule))
		mux.HandleFunc("POST "+prefix+"/onlineMeetings", f.mailbox(f.meetingCreate))
		mux.HandleFunc("POST "+prefix+"/onlineMeetings/createOrGet", f.mailbox(f.meetingCreate))
		mux.HandleFunc("PATCH "+prefix+"/onlineMeetings/{id}", f.mailbox(f.meetingPatch))
		mux.HandleFunc("DELETE "+prefix+"/onlineMeetings/{id}", f.mailbox(f.meetingDelete))
	}
	f.Server = httptest.NewServer(f.Record(f.auth(mux)))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeGraph) settings(token string) providers.Settings {
	return providers.Settings{microsoft.FieldMailbox: "me", microsoft.FieldBaseURL: f.URL,
		providers.SettingAccessToken: token}
}

func graphError(w http.ResponseWriter, code int, errCode, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"code": errCode, "message": msg,
		"innerError": map[string]string{"date": "2030-03-04T15:00:00", "request-id": "5e3c1f2a-0000-4000-8000-000000000001"}}})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeGraph) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); tok {
		case tokGood:
			next.ServeHTTP(w, r)
		case tokBusy:
			w.Header().Set("Retry-After", "30")
			graphError(w, http.StatusTooManyRequests, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
		case tokDown:
			w.Header().Set("Retry-After", "10")
			graphError(w, http.StatusServiceUnavailable, "ServiceNotAvailable", "The service is temporarily unavailable.")
		case tokDenied:
			graphError(w, http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		default:
			w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
			graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
		}
	})
}

func (f *fakeGraph) me(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd", "userPrincipalName": boxMe})
}

var mailboxes = map[string]bool{boxMe: true, boxRoom: true, boxBusy: true}

// mailbox resolves the path's mailbox ("me" is the signed-in user) and
// serves h with it, locked.
func (f *fakeGraph) mailbox(h func(w http.ResponseWriter, r *http.Request, box string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		box := r.PathValue("user")
		if box == "" {
			box = boxMe
		}
		if !mailboxes[strings.ToLower(box)] {
			graphError(w, http.StatusNotFound, "ErrorInvalidUser", "The requested user '"+box+"' is invalid.")
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		h(w, r, strings.ToLower(box))
	}
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.NewDecoder(r.Body).Decode(v) != nil {
		graphError(w, http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload.")
		return false
	}
	return true
}

const graphLayout = "2006-01-02T15:04:05"

// wallClock parses a dateTimeTimeZone as Graph does: a wall-clock time,
// no offset, in an IANA or Windows zone (IANA here).
func wallClock(d map[string]string) (time.Time, bool) {
	loc, err := time.LoadLocation(d["timeZone"])
	if err != nil || d["timeZone"] == "" || strings.ContainsAny(d["dateTime"][min(len(d["dateTime"]), 19):], "Z+-") {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(graphLayout, d["dateTime"], loc)
	return t, err == nil
}

// answerZone renders d in the zone of the request's Prefer header, with
// Graph's seven fractional digits.
func answerZone(r *http.Request, d map[string]string) map[string]string {
	t, ok := wallClock(d)
	if !ok {
		return d
	}
	tz := "UTC"
	if p := r.Header.Get("Prefer"); strings.HasPrefix(p, "outlook.timezone=") {
		tz = strings.Trim(strings.TrimPrefix(p, "outlook.timezone="), `"`)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc, tz = time.UTC, "UTC"
	}
	return map[string]string{"dateTime": t.In(loc).Format(graphLayout) + ".0000000", "timeZone": tz}
}

func invalidEvent(e *fakeEvent) string {
	start, ok1 := wallClock(e.Start)
	end, ok2 := wallClock(e.End)
	switch {
	case !ok1 || !ok2:
		return "A valid TimeZone value must be specified. The following TimeZone value is not supported: ''."
	case !end.After(start):
		return "The end time must be later than the start time."
	}
	for _, a := range e.Attendees {
		addr, _ := a["emailAddress"].(map[string]any)["address"].(string)
		if !strings.Contains(addr, "@") || (a["type"] != "required" && a["type"] != "optional") {
			return "At least one recipient isn't valid."
		}
	}
	return ""
}

func (f *fakeGraph) eventCreate(w http.ResponseWriter, r *http.Request, box string) {
	var in fakeEvent
	if !decodeBody(w, r, &in) {
		return
	}
	if msg := invalidEvent(&in); msg != "" {
		graphError(w, http.StatusBadRequest, "ErrorInvalidRequest", msg)
		return
	}
	if in.TransactionID != "" {
		for k, e := range f.events {
			if strings.HasPrefix(k, box+"/") && e.TransactionID == in.TransactionID {
				writeJSON(w, http.StatusCreated, f.answer(r, e))
				return
			}
		}
	}
	f.next++
	in.ID = fmt.Sprintf("AAMkAGI2TG93AAA%04d=", f.next)
	in.ICalUID = fmt.Sprintf("040000008200E00074C5B7101A82E008%04d", f.next)
	in.WebLink = "https://outlook.office365.com/owa/?itemid=" + url.QueryEscape(in.ID) + "&exvsurl=1&path=/calendar/item"
	in.Organizer = map[string]any{"emailAddress": map[string]string{"address": box}}
	if in.IsOnlineMeeting && in.OnlineMeetingProvider == "teamsForBusiness" {
		in.OnlineMeeting = map[string]string{"joinUrl": fmt.Sprintf("https://teams.microsoft.com/l/meetup-join/19%%3ameeting_%04d%%40thread.v2/0", f.next)}
	}
	f.events[box+"/"+in.ID] = &in
	writeJSON(w, http.StatusCreated, f.answer(r, &in))
}

// answer is the event as Graph returns it: times in the preferred zone.
func (f *fakeGraph) answer(r *http.Request, e *fakeEvent) *fakeEvent {
	c := *e
	c.Start, c.End = answerZone(r, e.Start), answerZone(r, e.End)
	return &c
}

func (f *fakeGraph) event(w http.ResponseWriter, r *http.Request, box string) *fakeEvent {
	e, ok := f.events[box+"/"+r.PathValue("id")]
	if !ok || e.IsCancelled {
		graphError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return nil
	}
	return e
}

func (f *fakeGraph) eventPatch(w http.ResponseWriter, r *http.Request, box string) {
	var in map[string]json.RawMessage
	if !decodeBody(w, r, &in) {
		return
	}
	e := f.event(w, r, box)
	if e == nil {
		return
	}
	merged := *e
	b, _ := json.Marshal(in)
	_ = json.Unmarshal(b, &merged)
	if msg := invalidEvent(&merged); msg != "" {
		graphError(w, http.StatusBadRequest, "ErrorInvalidRequest", msg)
		return
	}
	*e = merged
	writeJSON(w, http.StatusOK, f.answer(r, e))
}

func (f *fakeGraph) eventCancel(w http.ResponseWriter, r *http.Request, box string) {
	var in map[string]string
	if !decodeBody(w, r, &in) {
		return
	}
	e := f.event(w, r, box)
	switch {
	case e == nil:
	case e.ID == eventForeign:
		graphError(w, http.StatusBadRequest, "ErrorInvalidRequest",
			"Your request can't be completed. You need to be an organizer to cancel a meeting.")
	default:
		e.IsCancelled = true
		w.WriteHeader(http.StatusAccepted)
	}
}

// Event returns a stored event of the signed-in user.
func (f *fakeGraph) Event(id string) *fakeEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.events[boxMe+"/"+id]; ok {
		c := *e
		return &c
	}
	return nil
}

func (f *fakeGraph) getSchedule(w http.ResponseWriter, r *http.Request, _ string) {
	var in struct {
		Schedules []string          `json:"schedules"`
		StartTime map[string]string `json:"startTime"`
		EndTime   map[string]string `json:"endTime"`
		Interval  int               `json:"availabilityViewInterval"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	start, ok1 := wallClock(in.StartTime)
	end, ok2 := wallClock(in.EndTime)
	switch {
	case !ok1 || !ok2 || !end.After(start) || len(in.Schedules) == 0 || len(in.Schedules) > 20 || in.Interval < 5:
		graphError(w, http.StatusBadRequest, "ErrorInvalidParameter", "The parameter is invalid.")
		return
	case end.Sub(start) >= 62*24*time.Hour:
		graphError(w, http.StatusBadRequest, "ErrorInvalidTimeInterval", "The requested time duration specified is too long.")
		return
	}
	var value []map[string]any
	for _, s := range in.Schedules {
		v := map[string]any{"scheduleId": s, "availabilityView": "0000", "scheduleItems": []any{}}
		switch {
		case strings.EqualFold(s, boxBusy):
			v["scheduleItems"] = []map[string]any{
				{"isPrivate": false, "status": "Busy", "subject": "Interview", "start": utc("2030-03-04T15:00:00"), "end": utc("2030-03-04T16:00:00")},
				{"isPrivate": false, "status": "Free", "subject": "Focus", "start": utc("2030-03-04T16:00:00"), "end": utc("2030-03-04T17:00:00")},
				{"isPrivate": true, "status": "Tentative", "start": utc("2030-03-04T17:00:00"), "end": utc("2030-03-04T17:30:00")},
			}
		case !mailboxes[strings.ToLower(s)]:
			v = map[string]any{"scheduleId": s, "error": map[string]string{"message": "The user or mailbox doesn't exist.",
				"responseCode": "ErrorMailRecipientNotFound"}}
		}
		value = append(value, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)",
		"value": value})
}

func utc(s string) map[string]string {
	return map[string]string{"dateTime": s + ".0000000", "timeZone": "UTC"}
}

func (f *fakeGraph) meetingCreate(w http.ResponseWriter, r *http.Request, box string) {
	var in fakeMeeting
	if !decodeBody(w, r, &in) {
		return
	}
	start, err1 := time.Parse(time.RFC3339, in.StartDateTime)
	end, err2 := time.Parse(time.RFC3339, in.EndDateTime)
	createOrGet := strings.HasSuffix(r.URL.Path, "/createOrGet")
	switch {
	case err1 != nil || err2 != nil || !end.After(start):
		graphError(w, http.StatusBadRequest, "BadRequest", "startDateTime and endDateTime must be valid.")
		return
	case createOrGet && in.ExternalID == "":
		graphError(w, http.StatusBadRequest, "BadRequest", "externalId is required.")
		return
	}
	if createOrGet {
		for k, m := range f.meetings {
			if strings.HasPrefix(k, box+"/") && m.ExternalID == in.ExternalID {
				writeJSON(w, http.StatusOK, m)
				return
			}
		}
	}
	f.next++
	in.ID = fmt.Sprintf("MSpkYzE3Njc0Yy04MWQ5LTRhZGItYmZi%04d", f.next)
	in.JoinWebURL = fmt.Sprintf("https://teams.microsoft.com/l/meetup-join/19%%3ameeting_NTg0%04d%%40thread.v2/0?context=%%7b%%7d", f.next)
	in.JoinMeetingIDSettings = map[string]any{"isPasscodeRequired": true, "joinMeetingId": fmt.Sprintf("123456%04d", f.next), "passcode": "ab12CD"}
	in.StartDateTime, in.EndDateTime = start.UTC().Format(time.RFC3339Nano), end.UTC().Format(time.RFC3339Nano)
	f.meetings[box+"/"+in.ID] = &in
	writeJSON(w, http.StatusCreated, &in)
}

func (f *fakeGraph) meeting(w http.ResponseWriter, r *http.Request, box string) *fakeMeeting {
	m, ok := f.meetings[box+"/"+r.PathValue("id")]
	if !ok {
		graphError(w, http.StatusNotFound, "NotFound", "The requested resource was not found.")
	}
	return m
}

func (f *fakeGraph) meetingPatch(w http.ResponseWriter, r *http.Request, box string) {
	var in fakeMeeting
	if !decodeBody(w, r, &in) {
		return
	}
	m := f.meeting(w, r, box)
	if m == nil {
		return
	}
	if in.Subject != "" {
		m.Subject = in.Subject
	}
	if in.StartDateTime != "" {
		s, _ := time.Parse(time.RFC3339, in.StartDateTime)
		e, _ := time.Parse(time.RFC3339, in.EndDateTime)
		m.StartDateTime, m.EndDateTime = s.UTC().Format(time.RFC3339Nano), e.UTC().Format(time.RFC3339Nano)
	}
	writeJSON(w, http.StatusOK, m)
}

func (f *fakeGraph) meetingDelete(w http.ResponseWriter, r *http.Request, box string) {
	if m := f.meeting(w, r, box); m != nil {
		delete(f.meetings, box+"/"+m.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}

// Meetings returns how many meetings the signed-in user has.
func (f *fakeGraph) Meetings() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.meetings)
}
