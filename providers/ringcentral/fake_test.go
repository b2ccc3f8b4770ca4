package ringcentral_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/ringcentral"
)

// The fake's access tokens: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	tokGood   = "U0pDMDFQMDlQQVMwMHxBQUFWZmY.good"
	tokBusy   = "U0pD.busy"    // 429 CMN-301 with Retry-After: 60
	tokDown   = "U0pD.down"    // 503 CMN-211
	tokNoPerm = "U0pD.no-perm" // 403 CMN-408, the app lacks the SMS permission
	// The extension's own number, and a phone that rings first.
	phoneGood = "+16505550100"
	phoneDesk = "+16505550111"
	base      = "/restapi/v1.0/account/~/extension/~"
)

// fakeRingCentral answers like the RingCentral REST API v1.0 as
// documented: bearer tokens; the extension (GET .../extension/~); SMS
// (POST .../sms, from a number of the extension, to a list, text up to
// 1000 characters); RingOut (POST .../ring-out, GET and DELETE
// .../ring-out/{id}); and {"errorCode", "message", "errors":
// [{"errorCode", "message", "parameterName"}]} error bodies: 401 OAU-213
// with WWW-Authenticate, 403 CMN-408, 400 CMN-101 and MSG-304, 404 CMN-102,
// 429 CMN-301 with Retry-After, 503 CMN-211.
type fakeRingCentral struct {
	*httptest.Server
	mu    sync.Mutex
	next  int64
	calls map[string]string // RingOut ID -> callStatus
	testkit.Recorder
}

func newFakeRingCentral(t testing.TB) *fakeRingCentral {
	f := &fakeRingCentral{calls: map[string]string{}, next: 234343434}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+base, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"id": 230919004, "extensionNumber": "101", "name": "Recruiter",
			"status": "Enabled", "type": "User"})
	})
	mux.HandleFunc("POST "+base+"/sms", f.sms)
	mux.HandleFunc("POST "+base+"/ring-out", f.ringOut)
	mux.HandleFunc("GET "+base+"/ring-out/{id}", f.ringOutGet)
	mux.HandleFunc("DELETE "+base+"/ring-out/{id}", f.ringOutDelete)
	f.Server = httptest.NewServer(f.Record(f.auth(mux)))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeRingCentral) settings(token string) providers.Settings {
	return providers.Settings{ringcentral.FieldPhoneNumber: phoneGood, ringcentral.FieldRingOutFrom: phoneDesk,
		ringcentral.FieldBaseURL: f.URL, providers.SettingAccessToken: token}
}

func rcError(w http.ResponseWriter, status int, top, code, msg, param string) {
	e := map[string]string{"errorCode": code, "message": msg}
	if param != "" {
		e["parameterName"] = param
	}
	writeJSON(w, status, map[string]any{"errorCode": top, "message": msg, "errors": []map[string]string{e}})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeRingCentral) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); tok {
		case tokGood:
			next.ServeHTTP(w, r)
		case tokBusy:
			w.Header().Set("Retry-After", "60")
			rcError(w, http.StatusTooManyRequests, "CMN-301", "CMN-301", "Request rate exceeded", "")
		case tokDown:
			rcError(w, http.StatusServiceUnavailable, "CMN-211", "CMN-211", "Service Temporary Unavailable", "")
		case tokNoPerm:
			rcError(w, http.StatusForbidden, "InsufficientPermissions", "CMN-408",
				"In order to call this API endpoint, application needs to have [SMS] permission", "")
		default:
			w.Header().Set("WWW-Authenticate", `Bearer realm="RingCentral REST API", error="invalid_token"`)
			rcError(w, http.StatusUnauthorized, "TokenInvalid", "OAU-213", "Token not found", "")
		}
	})
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

func number(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["phoneNumber"].(string)
	return s
}

func (f *fakeRingCentral) sms(w http.ResponseWriter, r *http.Request) {
	var in struct {
		From map[string]string   `json:"from"`
		To   []map[string]string `json:"to"`
		Text string              `json:"text"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		rcError(w, http.StatusBadRequest, "InvalidContent", "CMN-100", "Content is invalid", "")
		return
	}
	switch {
	case in.From["phoneNumber"] != phoneGood:
		rcError(w, http.StatusBadRequest, "FeatureNotAvailable", "MSG-304", "Phone number doesn't belong to extension", "from")
		return
	case len(in.To) == 0 || !e164.MatchString(in.To[0]["phoneNumber"]):
		rcError(w, http.StatusBadRequest, "InvalidParameter", "CMN-101", "Parameter [to.phoneNumber] value is invalid", "to.phoneNumber")
		return
	case in.Text == "" || utf8.RuneCountInString(in.Text) > 1000:
		rcError(w, http.StatusBadRequest, "InvalidParameter", "CMN-101", "Parameter [text] value is invalid", "text")
		return
	}
	f.mu.Lock()
	f.next++
	id := f.next
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"uri": "https://platform.ringcentral.com" + base + "/message-store/" + strconv.FormatInt(id, 10),
		"id": id, "to": in.To, "from": in.From, "type": "SMS", "creationTime": "2030-03-04T15:00:00.000Z",
		"readStatus": "Read", "priority": "Normal", "direction": "Outbound", "availability": "Alive",
		"subject": in.Text, "messageStatus": "Queued", "conversationId": 4523243})
}

func (f *fakeRingCentral) ringOut(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		rcError(w, http.StatusBadRequest, "InvalidContent", "CMN-100", "Content is invalid", "")
		return
	}
	for _, k := range []string{"from", "to"} {
		if !e164.MatchString(number(in[k])) {
			rcError(w, http.StatusBadRequest, "InvalidParameter", "CMN-101", "Parameter ["+k+".phoneNumber] value is invalid", k)
			return
		}
	}
	if cid := number(in["callerId"]); cid != "" && cid != phoneGood {
		rcError(w, http.StatusBadRequest, "InvalidParameter", "CMN-101", "Parameter [callerId.phoneNumber] value is invalid", "callerId")
		return
	}
	f.mu.Lock()
	f.next++
	id := strconv.FormatInt(f.next, 10)
	f.calls[id] = "InProgress"
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, ringOutStatus(id, "InProgress"))
}

func ringOutStatus(id, status string) map[string]any {
	n, _ := strconv.ParseInt(id, 10, 64)
	return map[string]any{"uri": "https://platform.ringcentral.com" + base + "/ring-out/" + id, "id": n,
		"status": map[string]string{"callStatus": status, "callerStatus": status, "calleeStatus": status}}
}

// ringOutGet answers the call's status; a call in progress has connected
// by the time it is read.
func (f *fakeRingCentral) ringOutGet(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := r.PathValue("id")
	st, ok := f.calls[id]
	if !ok {
		rcError(w, http.StatusNotFound, "CMN-102", "CMN-102", "Resource for parameter [ringoutId] is not found", "ringoutId")
		return
	}
	if st == "InProgress" {
		f.calls[id] = "Success"
	}
	writeJSON(w, http.StatusOK, ringOutStatus(id, st))
}

func (f *fakeRingCentral) ringOutDelete(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.calls[r.PathValue("id")]; !ok {
		rcError(w, http.StatusNotFound, "CMN-102", "CMN-102", "Resource for parameter [ringoutId] is not found", "ringoutId")
		return
	}
	delete(f.calls, r.PathValue("id"))
	w.WriteHeader(http.StatusNoContent)
}
