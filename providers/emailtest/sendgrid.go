package emailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// SendGridOpts configure [StartSendGrid].
type SendGridOpts struct {
	// APIKey is the key the server accepts.
	APIKey string
	// Scopes are the key's permissions. Nil means mail.send and a few
	// read scopes.
	Scopes []string
	// FailStatus, if set, makes every mail send fail with that status: 400
	// (with an errors[] entry), 429 (with RetryAfter or X-RateLimit-Reset),
	// a 5xx.
	FailStatus int
	// RetryAfter is the 429's Retry-After header; empty sends only
	// X-RateLimit-Reset, RateLimitReset from now.
	RetryAfter     string
	RateLimitReset time.Duration
}

// SendGrid reproduces the documented behaviour of SendGrid's Web API v3
// for mail send and scopes: Bearer authentication, 202 Accepted with
// X-Message-Id, 401 with its JSON error body, 400 with errors[], 429 with
// Retry-After or X-RateLimit-Reset, 5xx.
type SendGrid struct {
	// URL is the base URL, for the baseUrl setting.
	URL string

	opts     SendGridOpts
	mu       sync.Mutex
	mails    []SendGridMail
	attempts int
	// keys are the valid API keys and their IDs and scopes; a deleted key
	// is refused with 401, as SendGrid refuses a revoked one.
	keys map[string]*sgKey
}

type sgKey struct {
	id, name string
	scopes   []string
}

// SendGridMail is an accepted mail send: the request body and its ID.
type SendGridMail struct {
	MessageID string
	Body      map[string]any
}

// StartSendGrid starts the server; the test's cleanup stops it.
func StartSendGrid(t testing.TB, opts *SendGridOpts) *SendGrid {
	t.Helper()
	sg := &SendGrid{opts: *opts}
	if sg.opts.Scopes == nil {
		sg.opts.Scopes = []string{"mail.send", "scopes.read", "user.profile.read"}
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(opts.APIKey, "SG."), ".")
	sg.keys = map[string]*sgKey{opts.APIKey: {id: id, name: "first key", scopes: sg.opts.Scopes}}
	srv := httptest.NewServer(http.HandlerFunc(sg.serve))
	t.Cleanup(srv.Close)
	sg.URL = srv.URL
	return sg
}

// Mails returns the accepted sends.
func (sg *SendGrid) Mails() []SendGridMail {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	return append([]SendGridMail(nil), sg.mails...)
}

// Attempts returns how many mail sends were received, accepted or not.
func (sg *SendGrid) Attempts() int {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	return sg.attempts
}

type sgError struct {
	Message string  `json:"message"`
	Field   *string `json:"field"`
	Help    *string `json:"help"`
}

func writeErrors(w http.ResponseWriter, status int, errs ...sgError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs})
}

func field(s string) *string { return &s }

func (sg *SendGrid) serve(w http.ResponseWriter, r *http.Request) {
	sg.mu.Lock()
	key := sg.keys[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	sg.mu.Unlock()
	if key == nil {
		writeErrors(w, http.StatusUnauthorized, sgError{Message: "The provided authorization grant is invalid, expired, or revoked"})
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v3/scopes":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"scopes": key.scopes})
	case r.Method == http.MethodPost && r.URL.Path == "/v3/mail/send":
		sg.mailSend(w, r, key)
	case r.Method == http.MethodPost && r.URL.Path == "/v3/api_keys":
		sg.keyCreate(w, r, key)
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v3/api_keys/"):
		sg.keyDelete(w, strings.TrimPrefix(r.URL.Path, "/v3/api_keys/"), key)
	default:
		writeErrors(w, http.StatusNotFound, sgError{Message: "resource not found"})
	}
}

func (sg *SendGrid) mailSend(w http.ResponseWriter, r *http.Request, key *sgKey) {
	sg.mu.Lock()
	sg.attempts++
	sg.mu.Unlock()
	switch status := sg.opts.FailStatus; {
	case status == http.StatusTooManyRequests:
		w.Header().Set("X-RateLimit-Limit", "600")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(sg.opts.RateLimitReset).Unix(), 10))
		if sg.opts.RetryAfter != "" {
			w.Header().Set("Retry-After", sg.opts.RetryAfter)
		}
		writeErrors(w, status, sgError{Message: "too many requests"})
		return
	case status == http.StatusBadRequest:
		writeErrors(w, status, sgError{Message: "Does not contain a valid address.", Field: field("personalizations.0.to.0.email")})
		return
	case status != 0:
		writeErrors(w, status, sgError{Message: http.StatusText(status)})
		return
	}
	if !slices.Contains(key.scopes, "mail.send") {
		writeErrors(w, http.StatusForbidden, sgError{Message: "access forbidden"})
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErrors(w, http.StatusBadRequest, sgError{Message: "Bad Request", Field: field("")})
		return
	}
	if errs := validateMail(body); len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	var id [11]byte
	_, _ = rand.Read(id[:])
	msgID := hex.EncodeToString(id[:])
	sg.mu.Lock()
	sg.mails = append(sg.mails, SendGridMail{MessageID: msgID, Body: body})
	sg.mu.Unlock()
	w.Header().Set("X-Message-Id", msgID)
	w.WriteHeader(http.StatusAccepted)
}

// NewSendGridKey returns a key of SendGrid's form, "SG.<api_key_id>.<secret>"
// (69 characters).
func NewSendGridKey() string {
	var id [16]byte
	var secret [32]byte
	_, _ = rand.Read(id[:])
	_, _ = rand.Read(secret[:])
	enc := base64.RawURLEncoding
	return "SG." + enc.EncodeToString(id[:])[:22] + "." + enc.EncodeToString(secret[:])[:43]
}

// keyCreate is POST /v3/api_keys: {name, scopes} in, {api_key, api_key_id,
// name, scopes} out with 201. A key cannot grant scopes it lacks.
func (sg *SendGrid) keyCreate(w http.ResponseWriter, r *http.Request, caller *sgKey) {
	if !slices.Contains(caller.scopes, "api_keys.create") {
		writeErrors(w, http.StatusForbidden, sgError{Message: "access forbidden"})
		return
	}
	var in struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Name == "" {
		writeErrors(w, http.StatusBadRequest, sgError{Message: "missing required argument", Field: field("name")})
		return
	}
	for _, s := range in.Scopes {
		if !slices.Contains(caller.scopes, s) {
			writeErrors(w, http.StatusForbidden, sgError{Message: "cannot grant a scope the key does not have", Field: field("scopes")})
			return
		}
	}
	value := NewSendGridKey()
	id, _, _ := strings.Cut(strings.TrimPrefix(value, "SG."), ".")
	sg.mu.Lock()
	sg.keys[value] = &sgKey{id: id, name: in.Name, scopes: in.Scopes}
	sg.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"api_key": value, "api_key_id": id, "name": in.Name, "scopes": in.Scopes})
}

// keyDelete is DELETE /v3/api_keys/{api_key_id}: 204, and the key is
// refused from then on.
func (sg *SendGrid) keyDelete(w http.ResponseWriter, id string, caller *sgKey) {
	if !slices.Contains(caller.scopes, "api_keys.delete") {
		writeErrors(w, http.StatusForbidden, sgError{Message: "access forbidden"})
		return
	}
	sg.mu.Lock()
	defer sg.mu.Unlock()
	for value, k := range sg.keys {
		if k.id == id {
			delete(sg.keys, value)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeErrors(w, http.StatusNotFound, sgError{Message: "unable to find API Key"})
}

// KeyValid reports whether the server accepts key.
func (sg *SendGrid) KeyValid(key string) bool {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	return sg.keys[key] != nil
}

// validateMail applies SendGrid's documented required fields.
func validateMail(b map[string]any) []sgError {
	var errs []sgError
	ps, _ := b["personalizations"].([]any)
	if len(ps) == 0 {
		errs = append(errs, sgError{Message: "The personalizations field is required and must have at least one personalization.",
			Field: field("personalizations")})
	}
	for _, p := range ps {
		if to, _ := p.(map[string]any)["to"].([]any); len(to) == 0 {
			errs = append(errs, sgError{Message: "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
				Field: field("personalizations.0.to")})
		}
	}
	if from, _ := b["from"].(map[string]any); from == nil || from["email"] == "" || from["email"] == nil {
		errs = append(errs, sgError{Message: "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.",
			Field: field("from")})
	}
	if s, _ := b["subject"].(string); s == "" {
		errs = append(errs, sgError{Message: "The subject is required.", Field: field("subject")})
	}
	cs, _ := b["content"].([]any)
	if len(cs) == 0 {
		errs = append(errs, sgError{Message: "Unless a valid template_id is provided, the content parameter is required.",
			Field: field("content")})
	}
	if len(cs) > 1 {
		if first, _ := cs[0].(map[string]any); first["type"] != "text/plain" {
			errs = append(errs, sgError{Message: "If present, text/plain must be first, followed by text/html, followed by any other content.",
				Field: field("content")})
		}
	}
	return errs
}

// WebhookKey is a signing key pair for SendGrid's signed Event Webhook.
type WebhookKey struct {
	private *ecdsa.PrivateKey
	// Public is the verification key as SendGrid shows it: base64 DER.
	Public string
}

// NewWebhookKey returns a fresh P-256 key pair.
func NewWebhookKey(t testing.TB) *WebhookKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	return &WebhookKey{private: k, Public: base64.StdEncoding.EncodeToString(der)}
}

// Sign returns the headers SendGrid sends with body at timestamp ts.
func (k *WebhookKey) Sign(t testing.TB, ts time.Time, body []byte) http.Header {
	t.Helper()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	h := sha256.Sum256(append([]byte(stamp), body...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.private, h[:])
	require.NoError(t, err)
	return http.Header{
		"X-Twilio-Email-Event-Webhook-Signature": {base64.StdEncoding.EncodeToString(sig)},
		"X-Twilio-Email-Event-Webhook-Timestamp": {stamp},
	}
}
