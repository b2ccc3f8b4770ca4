package zoom_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/zoom"
)

// The fake's access tokens: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	tokGood    = "eyJzdiI6IjAwMDAwMSIsImFsZyI6.good"
	tokBusy    = "eyJ.busy"     // 429 with Retry-After: 30
	tokDown    = "eyJ.down"     // 503
	tokNoScope = "eyJ.no-scope" // 400 code 4711
	userMe     = "KDcuGIm1QgePTO8WbOqwIQ"
	startURL   = "https://zoom.us/s/" // the host's start link: a credential
)

// fakeZoom answers like the Zoom API v2 as documented: bearer tokens;
// GET /users/me; POST /users/{userId}/meetings (201, the meeting object
// with join_url, password and start_url); GET, PATCH (204) and DELETE
// (204) /meetings/{meetingId}; {"code", "message"} error bodies: 401 code
// 124, 400 code 4711 for a token without the scope, 404 code 3001 and
// 1001, 429 with Retry-After.
type fakeZoom struct {
	*httptest.Server
	mu       sync.Mutex
	next     int64
	meetings map[string]map[string]any
	testkit.Recorder
}

func newFakeZoom(t testing.TB) *fakeZoom {
	f := &fakeZoom{meetings: map[string]map[string]any{}, next: 85746065000}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/users/me", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"id": userMe, "email": "recruiter@company.example", "type": 2})
	})
	mux.HandleFunc("POST /v2/users/{user}/meetings", f.create)
	mux.HandleFunc("GET /v2/meetings/{id}", f.locked(f.get))
	mux.HandleFunc("PATCH /v2/meetings/{id}", f.locked(f.patch))
	mux.HandleFunc("DELETE /v2/meetings/{id}", f.locked(f.delete))
	f.Server = httptest.NewServer(f.Record(f.auth(mux)))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeZoom) settings(token string) providers.Settings {
	return providers.Settings{zoom.FieldUserID: "me", zoom.FieldBaseURL: f.URL, providers.SettingAccessToken: token}
}

func zoomError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeZoom) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); tok {
		case tokGood:
			next.ServeHTTP(w, r)
		case tokBusy:
			w.Header().Set("X-RateLimit-Category", "Light")
			w.Header().Set("X-RateLimit-Type", "Daily-limit")
			w.Header().Set("Retry-After", "30")
			zoomError(w, http.StatusTooManyRequests, 429, "You have reached the maximum daily rate limit for this API.")
		case tokDown:
			zoomError(w, http.StatusServiceUnavailable, 503, "Service unavailable.")
		case tokNoScope:
			zoomError(w, http.StatusBadRequest, 4711, "Invalid access token, does not contain scopes:[meeting:write:meeting].")
		default:
			zoomError(w, http.StatusUnauthorized, 124, "Invalid access token.")
		}
	})
}

func (f *fakeZoom) create(w http.ResponseWriter, r *http.Request) {
	if user := r.PathValue("user"); user != "me" && user != userMe && user != "recruiter@company.example" {
		zoomError(w, http.StatusNotFound, 1001, "User does not exist: "+user+".")
		return
	}
	var in map[string]any
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		zoomError(w, http.StatusBadRequest, 300, "Request Body should be a valid JSON object.")
		return
	}
	if msg := invalidMeeting(in); msg != "" {
		zoomError(w, http.StatusBadRequest, 300, msg)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	id := strconv.FormatInt(f.next, 10)
	m := map[string]any{"uuid": "aDYlohsHRtCd4ii1uC2+hA==", "id": f.next, "host_id": userMe,
		"host_email": "recruiter@company.example", "topic": in["topic"], "type": 2, "status": "waiting",
		"start_time": in["start_time"], "duration": in["duration"], "timezone": in["timezone"], "agenda": in["agenda"],
		"created_at": "2030-03-01T10:00:00Z", "start_url": startURL + id + "?zak=eyJ0eXAiOiJKV1Qi.host-secret",
		"join_url": "https://us05web.zoom.us/j/" + id + "?pwd=Wm9vbVBhc3M", "password": "ZoomPass",
		"h323_password": "123456", "settings": in["settings"], "pre_schedule": false}
	f.meetings[id] = m
	writeJSON(w, http.StatusCreated, m)
}

// invalidMeeting returns Zoom's message for a meeting it refuses, or "".
func invalidMeeting(in map[string]any) string {
	st, _ := in["start_time"].(string)
	d, _ := in["duration"].(float64)
	tz, _ := in["timezone"].(string)
	if _, err := time.Parse("2006-01-02T15:04:05Z", st); err != nil && st != "" {
		return "Invalid field: start_time."
	}
	if _, err := time.LoadLocation(tz); err != nil || d < 0 || d != float64(int(d)) {
		return "Invalid field."
	}
	if t, _ := in["topic"].(string); len(t) > 200 {
		return "Topic is too long."
	}
	return ""
}

func (f *fakeZoom) locked(h func(w http.ResponseWriter, r *http.Request, m map[string]any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		m, ok := f.meetings[r.PathValue("id")]
		if !ok {
			zoomError(w, http.StatusNotFound, 3001, fmt.Sprintf("Meeting does not exist: %s.", r.PathValue("id")))
			return
		}
		h(w, r, m)
	}
}

func (f *fakeZoom) get(w http.ResponseWriter, _ *http.Request, m map[string]any) {
	writeJSON(w, http.StatusOK, m)
}

func (f *fakeZoom) patch(w http.ResponseWriter, r *http.Request, m map[string]any) {
	var in map[string]any
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		zoomError(w, http.StatusBadRequest, 300, "Request Body should be a valid JSON object.")
		return
	}
	merged := map[string]any{"timezone": m["timezone"]}
	for k, v := range in {
		merged[k] = v
	}
	if msg := invalidMeeting(merged); msg != "" {
		zoomError(w, http.StatusBadRequest, 300, msg)
		return
	}
	for k, v := range in {
		m[k] = v
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeZoom) delete(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	delete(f.meetings, r.PathValue("id"))
	w.WriteHeader(http.StatusNoContent)
}

// Meeting returns a stored meeting.
func (f *fakeZoom) Meeting(id string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.meetings[id]
}
