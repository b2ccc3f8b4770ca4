package twilio_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/twilio"
)

// The fake's accounts: each SID selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too. All share
// tokenGood.
const (
	sidGood   = "AC0123456789abcdef0123456789abcdef"
	sidBusy   = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" // 429 with Retry-After: 30
	sidDown   = "ACdddddddddddddddddddddddddddddddd" // 503
	tokenGood = "f3c1a9e0d2b84c7e9a1b2c3d4e5f6a7b"
	fromGood  = "+15005550006"
	// Twilio's test numbers: invalid and unsubscribed recipients.
	toInvalid      = "+15005550001"
	toUnsubscribed = "+15005550004"
)

// fakeTwilio answers like Twilio's REST API as documented: HTTP Basic auth
// with the account SID and auth token, form-encoded creates, 201 with the
// Message resource, {"code","message","more_info","status"} error bodies,
// 401 code 20003, 429 with Retry-After, 404 code 20404. It posts signed
// status callbacks the way Twilio does, signing with an implementation of
// its own.
type fakeTwilio struct {
	*httptest.Server
	mu       sync.Mutex
	next     int
	messages map[string]map[string]any
	forms    []url.Values
}

func newFakeTwilio(t testing.TB) *fakeTwilio {
	f := &fakeTwilio{messages: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2010-04-01/Accounts/{sid}", f.account)
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", f.create)
	mux.HandleFunc("GET /2010-04-01/Accounts/{sid}/Messages/{msg}", f.get)
	f.Server = httptest.NewServer(f.auth(mux))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTwilio) settings(sid string) providers.Settings {
	return providers.Settings{twilio.FieldAccountSID: sid, twilio.FieldAuthToken: tokenGood,
		twilio.FieldFromNumber: fromGood, twilio.FieldBaseURL: f.URL}
}

func twilioError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})
}

func (f *fakeTwilio) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sid, token, ok := r.BasicAuth()
		pathSID := ""
		if i := strings.Index(r.URL.Path, "/Accounts/"); i >= 0 {
			pathSID = strings.TrimSuffix(strings.SplitN(r.URL.Path[i+len("/Accounts/"):], "/", 2)[0], ".json")
		}
		switch {
		case !ok || token != tokenGood || sid != pathSID:
			twilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		case sid == sidBusy:
			w.Header().Set("Retry-After", "30")
			twilioError(w, http.StatusTooManyRequests, 20429, "Too Many Requests")
		case sid == sidDown:
			twilioError(w, http.StatusServiceUnavailable, 20503, "Service Unavailable")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func (f *fakeTwilio) account(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.PathValue("sid"), ".json") {
		twilioError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sid": sidGood, "friendly_name": "InTime", "status": "active", "type": "Full"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeTwilio) create(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		twilioError(w, http.StatusBadRequest, 20001, "Invalid request")
		return
	}
	to, from := r.PostForm.Get("To"), r.PostForm.Get("From")
	switch {
	case to == "":
		twilioError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case to == toInvalid:
		twilioError(w, http.StatusBadRequest, 21211, "Invalid 'To' Phone Number: "+to)
		return
	case to == toUnsubscribed:
		twilioError(w, http.StatusBadRequest, 21610, "Attempt to send to unsubscribed recipient")
		return
	case from == "" && r.PostForm.Get("MessagingServiceSid") == "":
		twilioError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	case r.PostForm.Get("Body") == "" && r.PostForm.Get("MediaUrl") == "":
		twilioError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forms = append(f.forms, r.PostForm)
	f.next++
	sid := fmt.Sprintf("SM%032x", f.next)
	m := map[string]any{"sid": sid, "account_sid": r.PathValue("sid"), "api_version": "2010-04-01",
		"body": r.PostForm.Get("Body"), "to": to, "from": from, "status": "queued", "num_segments": "1",
		"direction": "outbound-api", "date_created": "Thu, 24 Aug 2023 05:01:45 +0000", "date_sent": nil,
		"error_code": nil, "error_message": nil, "price": nil, "price_unit": "USD",
		"uri":            "/2010-04-01/Accounts/" + r.PathValue("sid") + "/Messages/" + sid + ".json",
		"statusCallback": r.PostForm.Get("StatusCallback")}
	f.messages[sid] = m
	writeJSON(w, http.StatusCreated, m)
}

func (f *fakeTwilio) get(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	m, ok := f.messages[strings.TrimSuffix(r.PathValue("msg"), ".json")]
	f.mu.Unlock()
	if !ok {
		twilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// setStatus changes a message's status, as the carrier's answers do.
func (f *fakeTwilio) setStatus(sid, status string, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages[sid]["status"] = status
	f.messages[sid]["date_sent"] = "Thu, 24 Aug 2023 05:01:47 +0000"
	if code != 0 {
		f.messages[sid]["error_code"] = code
		f.messages[sid]["error_message"] = "Unreachable destination handset"
	}
}

// Forms returns the create requests' forms.
func (f *fakeTwilio) Forms() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.forms...)
}

// Callback posts a delivery status callback for message sid to its
// StatusCallback URL, signed as Twilio signs, and returns the answer's
// status code.
func (f *fakeTwilio) Callback(t testing.TB, sid, status, errorCode string) int {
	f.mu.Lock()
	m := f.messages[sid]
	f.mu.Unlock()
	form := callbackForm(sid, status, m["to"].(string), m["from"].(string), errorCode)
	target := m["statusCallback"].(string)
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, independentSignature(tokenGood, target, form))
	req.Header.Set(twilio.IdempotencyHeader, "idem-"+sid+"-"+status)
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// callbackForm is the body of a status callback, with Twilio's parameters.
func callbackForm(sid, status, to, from, errorCode string) url.Values {
	v := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
		"AccountSid": {sidGood}, "To": {to}, "From": {from}, "ApiVersion": {"2010-04-01"}}
	if errorCode != "" {
		v.Set("ErrorCode", errorCode)
	}
	return v
}

// independentSignature is Twilio's documented algorithm written apart from
// the package's: the URL, then "name"+"value" for each parameter in the
// order of a sort of name/value pairs, HMAC-SHA1 with the auth token,
// base64.
func independentSignature(token, fullURL string, form url.Values) string {
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range form {
		for _, v := range vs {
			pairs = append(pairs, pair{k, v})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	data := []byte(fullURL)
	for _, p := range pairs {
		data = append(data, p.k...)
		data = append(data, p.v...)
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write(data)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
