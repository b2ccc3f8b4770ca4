package slack_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/slack"
)

// The fake's credentials: each selects a behaviour, so that the plugin
// process, which only sees settings, can drive it too.
const (
	tokenGood    = "xoxb-1111-2222-goodsecret"
	tokenRevoked = "xoxb-1111-2222-revoked" // {"ok":false,"error":"token_revoked"}
	tokenBusy    = "xoxb-1111-2222-busy"    // 429, Retry-After: 30, {"ok":false,"error":"ratelimited"}
	tokenFatal   = "xoxb-1111-2222-fatal"   // 200 {"ok":false,"error":"fatal_error"}
	tokenDown    = "xoxb-1111-2222-down"    // 503
	hookGood     = "/services/T0001/B0001/hooksecret01"
	hookGone     = "/services/T0001/B0001/gone"     // 404 no_service
	hookBusy     = "/services/T0001/B0001/busy"     // 429, Retry-After: 12
	hookDown     = "/services/T0001/B0001/down"     // 500 rollup_error
	hookArchived = "/services/T0001/B0001/archived" // 410 channel_is_archived
)

// fakeSlack answers like Slack as documented: the Web API under /api with
// a bearer token, answering HTTP 200 with {"ok": false, "error": ...} for
// most failures, and incoming webhooks under /services answering plain
// text codes.
type fakeSlack struct {
	*httptest.Server
	mu       sync.Mutex
	posts    []map[string]any
	channels map[string]string // name or ID -> ID
	next     int
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{channels: map[string]string{"#alerts": "C0ALERTS01", "C0ALERTS01": "C0ALERTS01",
		"#general": "C0GENERAL1", "#archived": "C0ARCHIVE1"}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth.test", f.bearer(f.authTest))
	mux.HandleFunc("POST /api/chat.postMessage", f.bearer(f.postMessage))
	mux.HandleFunc("POST /services/{team}/{bot}/{key}", f.webhook)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSlack) settings(token, hook string) providers.Settings {
	s := providers.Settings{slack.FieldAPIURL: f.URL + "/api", slack.FieldChannel: "#alerts"}
	if token != "" {
		s[slack.FieldBotToken] = token
	}
	if hook != "" {
		s[slack.FieldWebhookURL] = f.URL + hook
	}
	return s
}

func okJSON(w http.ResponseWriter, v map[string]any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	v["ok"] = true
	_ = json.NewEncoder(w).Encode(v)
}

func notOK(w http.ResponseWriter, code int, e string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": e})
}

func (f *fakeSlack) bearer(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch token {
		case "":
			notOK(w, http.StatusOK, "not_authed")
		case tokenRevoked:
			notOK(w, http.StatusOK, "token_revoked")
		case tokenBusy:
			w.Header().Set("Retry-After", "30")
			notOK(w, http.StatusTooManyRequests, "ratelimited")
		case tokenFatal:
			notOK(w, http.StatusOK, "fatal_error")
		case tokenDown:
			w.WriteHeader(http.StatusServiceUnavailable)
		case tokenGood:
			next(w, r)
		default:
			notOK(w, http.StatusOK, "invalid_auth")
		}
	}
}

func (f *fakeSlack) authTest(w http.ResponseWriter, _ *http.Request) {
	okJSON(w, map[string]any{"url": "https://intime.slack.com/", "team": "InTime", "user": "intime-bot",
		"team_id": "T0001", "user_id": "U0BOT", "bot_id": "B0001"})
}

func (f *fakeSlack) postMessage(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		notOK(w, http.StatusOK, "invalid_arguments")
		return
	}
	var in map[string]any
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		notOK(w, http.StatusOK, "invalid_json")
		return
	}
	channel, _ := in["channel"].(string)
	id, ok := f.channels[channel]
	switch {
	case !ok:
		notOK(w, http.StatusOK, "channel_not_found")
		return
	case id == "C0ARCHIVE1":
		notOK(w, http.StatusOK, "is_archived")
		return
	case in["text"] == nil && in["blocks"] == nil:
		notOK(w, http.StatusOK, "no_text")
		return
	}
	f.mu.Lock()
	f.posts = append(f.posts, in)
	f.next++
	ts := "1503435956.00024" + string(rune('0'+f.next%10))
	f.mu.Unlock()
	okJSON(w, map[string]any{"channel": id, "ts": ts, "message": map[string]any{"text": in["text"], "ts": ts}})
}

func (f *fakeSlack) webhook(w http.ResponseWriter, r *http.Request) {
	text := func(code int, s string) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(s))
	}
	var in map[string]any
	switch r.URL.Path {
	case hookGone:
		text(http.StatusNotFound, "no_service")
	case hookBusy:
		w.Header().Set("Retry-After", "12")
		text(http.StatusTooManyRequests, "rate_limited")
	case hookDown:
		text(http.StatusInternalServerError, "rollup_error")
	case hookArchived:
		text(http.StatusGone, "channel_is_archived")
	case hookGood:
		if json.NewDecoder(r.Body).Decode(&in) != nil {
			text(http.StatusBadRequest, "invalid_payload")
			return
		}
		if in["text"] == nil && in["blocks"] == nil {
			text(http.StatusBadRequest, "no_text")
			return
		}
		f.mu.Lock()
		f.posts = append(f.posts, in)
		f.mu.Unlock()
		text(http.StatusOK, "ok")
	default:
		text(http.StatusForbidden, "invalid_token")
	}
}

// Posts returns the messages posted so far.
func (f *fakeSlack) Posts() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.posts...)
}
