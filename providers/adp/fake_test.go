package adp_test

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/adp"
)

// The fake's API clients: each client ID selects a behaviour, so that the
// plugin process, which only sees settings, can drive it too. All share
// secretGood.
const (
	clientGood       = "intime-7f3a"
	clientBusy       = "intime-busy"       // API answers 429 with Retry-After: 30
	clientDown       = "intime-down"       // API answers 503
	clientShort      = "intime-short"      // tokens expire in 1 second
	clientTokenBusy  = "intime-token-busy" // token endpoint answers 429 with Retry-After: 20
	secretGood       = "Zq9-s3cr3t-w1th-entropy"
	tokenPath        = "/auth/oauth/v2/token"
	payStatementsFmt = "/payroll/v1/workers/%s/pay-statements"
)

// fakeADP answers like ADP as documented: every connection is mutual TLS
// (tls.RequireAndVerifyClientCert against the test CA), the token endpoint
// takes the client credentials grant with the client ID and secret in HTTP
// Basic auth, the API takes the bearer token and answers 401 to a bad one,
// 429 with Retry-After, 204 past the last page, and ADP's error bodies.
type fakeADP struct {
	*httptest.Server
	pki *testPKI

	tokenRequests atomic.Int64

	mu     sync.Mutex
	next   int
	tokens map[string]string // access token -> client ID
}

func newFakeADP(t *testing.T) *fakeADP {
	f := &fakeADP{pki: pki(), tokens: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+tokenPath, f.token)
	mux.Handle("GET /hr/v2/workers", f.auth(f.workers))
	mux.Handle("GET /payroll/v1/workers/{aoid}/pay-statements", f.auth(f.payStatements))
	f.Server = httptest.NewUnstartedServer(mux)
	f.Listener = lingerListener{f.Listener}
	f.TLS = &tls.Config{Certificates: []tls.Certificate{f.pki.server}, ClientCAs: f.pki.caPool,
		ClientAuth: tls.RequireAndVerifyClientCert}
	f.Config.ErrorLog = discardLog
	f.StartTLS()
	t.Cleanup(f.Close)
	return f
}

// Settings are valid settings for clientID against the fake.
func (f *fakeADP) Settings(clientID string) providers.Settings {
	return providers.Settings{
		adp.FieldClientID: clientID, adp.FieldClientSecret: secretGood,
		adp.FieldClientCertificate: f.pki.clientCert, adp.FieldClientKey: f.pki.clientKey,
		adp.FieldCACertificate: f.pki.caPEM, adp.FieldBaseURL: f.URL, adp.FieldTokenURL: f.URL + tokenPath,
	}
}

// Revoke invalidates every token issued so far.
func (f *fakeADP) Revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.tokens)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// adpError is the API's error body.
func adpError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]any{"confirmMessage": map[string]any{
		"requestStatus":   map[string]string{"codeValue": "failed"},
		"processMessages": []any{map[string]any{"userMessage": map[string]string{"messageTxt": msg}}},
	}})
}

func (f *fakeADP) token(w http.ResponseWriter, r *http.Request) {
	f.tokenRequests.Add(1)
	id, secret, ok := r.BasicAuth()
	switch {
	case r.PostFormValue("grant_type") != "client_credentials":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	case !ok || secret != secretGood || !strings.HasPrefix(id, "intime-"):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client",
			"error_description": "Client authentication failed"})
		return
	case id == clientTokenBusy:
		w.Header().Set("Retry-After", "20")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too_many_requests"})
		return
	}
	expires := 3600
	if id == clientShort {
		expires = 1 // inside x/oauth2's 10 s expiry margin: expired at once
	}
	f.mu.Lock()
	f.next++
	tok := fmt.Sprintf("tok-%d-%s", f.next, id)
	f.tokens[tok] = id
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": expires, "scope": "api"})
}

// auth checks the bearer token, then applies the client's behaviour.
func (f *fakeADP) auth(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		id, ok := f.tokens[tok]
		f.mu.Unlock()
		switch {
		case !ok:
			writeJSON(w, http.StatusUnauthorized, map[string]any{"response": map[string]any{"responseCode": 401,
				"methodCode": r.Method, "applicationCode": map[string]any{"code": 401, "typeCode": "error", "message": "Invalid request"}}})
		case id == clientBusy:
			w.Header().Set("Retry-After", "30")
			adpError(w, http.StatusTooManyRequests, "Too many requests")
		case id == clientDown:
			adpError(w, http.StatusServiceUnavailable, "Service unavailable")
		default:
			next(w, r)
		}
	})
}

// fixtureWorkers are the fake's workers in ADP's form.
var fixtureWorkers = []string{
	`{"associateOID":"G3A1","workerID":{"idValue":"A1"},"person":{"legalName":{"givenName":"Ada","familyName1":"Lovelace",
	  "formattedName":"Lovelace, Ada"}},"businessCommunication":{"emails":[{"emailUri":"ada@example.com"}]},
	  "workerDates":{"originalHireDate":"2019-03-04"},"workerStatus":{"statusCode":{"codeValue":"Active"}},
	  "workAssignments":[{"primaryIndicator":true,"jobTitle":"Recruiter"}]}`,
	`{"associateOID":"G3B2","workerID":{"idValue":"B2"},"person":{"legalName":{"givenName":"Grace","familyName1":"Hopper"}},
	  "workerStatus":{"statusCode":{"codeValue":"Active"}}}`,
	`{"associateOID":"G3C3","workerID":{"idValue":"C3"},"person":{"legalName":{"givenName":"Alan","familyName1":"Turing"}},
	  "workerStatus":{"statusCode":{"codeValue":"Terminated"}}}`,
}

func (f *fakeADP) workers(w http.ResponseWriter, r *http.Request) {
	top, err1 := strconv.Atoi(r.URL.Query().Get("$top"))
	skip, err2 := strconv.Atoi(r.URL.Query().Get("$skip"))
	if err1 != nil || err2 != nil || top < 1 || skip < 0 {
		adpError(w, http.StatusBadRequest, "Invalid $top or $skip")
		return
	}
	if skip >= len(fixtureWorkers) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	page := fixtureWorkers[skip:min(skip+top, len(fixtureWorkers))]
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"workers":[%s],"meta":{"totalNumber":%d}}`, strings.Join(page, ","), len(fixtureWorkers))
}

// statements are the fake's pay statements, latest first.
var statements = map[string][]string{
	"G3A1": {
		`{"payDate":"2024-04-30","netPayAmount":{"amountValue":1845.12,"currencyCode":"USD"},
		  "grossPayAmount":{"amountValue":2307.69,"currencyCode":"USD"},"totalHours":80,
		  "payDetailUri":{"href":"/payroll/v1/workers/G3A1/pay-statements/1002"}}`,
		`{"payDate":"2024-04-15","netPayAmount":{"amountValue":1845.12,"currencyCode":"USD"},
		  "grossPayAmount":{"amountValue":2307.69,"currencyCode":"USD"},"totalHours":80,
		  "payDetailUri":{"href":"/payroll/v1/workers/G3A1/pay-statements/1001"}}`,
	},
	"G3B2": {`{"payDate":"2024-04-30","netPayAmount":{"amountValue":2010.00,"currencyCode":"USD"},
		  "grossPayAmount":{"amountValue":2600.5,"currencyCode":"USD"},"totalHours":86.5,
		  "payDetailUri":{"href":"/payroll/v1/workers/G3B2/pay-statements/2001"}}`},
	"G3C3": {},
}

func (f *fakeADP) payStatements(w http.ResponseWriter, r *http.Request) {
	list, ok := statements[r.PathValue("aoid")]
	n, err := strconv.Atoi(r.URL.Query().Get("numberoflastpaydates"))
	switch {
	case !ok:
		adpError(w, http.StatusNotFound, "Worker not found")
		return
	case err != nil || n < 1:
		adpError(w, http.StatusBadRequest, "Invalid numberoflastpaydates")
		return
	case len(list) == 0:
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"payStatements":[%s]}`, strings.Join(list[:min(n, len(list))], ","))
}

// lingerListener closes connections the way production front ends do
// (a lingering close): it shuts down the write side, reads what the
// client still sends until the client closes, then closes. Without it, a
// client whose certificate the server refused may see a connection reset
// instead of the server's TLS alert, depending on timing, because the
// kernel resets a socket closed with unread data.
type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lingerConn{Conn: c}, nil
}

type lingerConn struct{ net.Conn }

func (c *lingerConn) Close() error {
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		_ = tc.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _ = io.Copy(io.Discard, tc)
	}
	return c.Conn.Close()
}
