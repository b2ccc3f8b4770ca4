package admin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers/sendgrid"
)

const sendGridKey = "SG.admin-test-key-0123456789"

// sendGridAPI reproduces what SendGrid documents for its Web API v3 mail
// send: Bearer authentication (401 with its errors body), 202 Accepted with
// X-Message-Id, and, for the first rateLimited sends, 429 Too Many
// Requests with Retry-After (seconds) and its errors body. GET /v3/scopes
// lists the key's scopes (the connection test's authenticated call).
type sendGridAPI struct {
	srv *httptest.Server

	mu          sync.Mutex
	rateLimited int
	attempts    []time.Time
	accepted    int
}

func startSendGridAPI(t *testing.T, rateLimited int) *sendGridAPI {
	t.Helper()
	sg := &sendGridAPI{rateLimited: rateLimited}
	sg.srv = httptest.NewServer(http.HandlerFunc(sg.serve))
	t.Cleanup(sg.srv.Close)
	return sg
}

func (sg *sendGridAPI) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+sendGridKey {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"field":null,"message":"authorization required"}]}`))
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v3/scopes":
		_, _ = w.Write([]byte(`{"scopes":["mail.send"]}`))
	case r.Method == http.MethodPost && r.URL.Path == "/v3/mail/send":
		sg.mu.Lock()
		defer sg.mu.Unlock()
		sg.attempts = append(sg.attempts, time.Now())
		if sg.rateLimited > 0 {
			sg.rateLimited--
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"errors":[{"field":null,"message":"too many requests"}]}`))
			return
		}
		sg.accepted++
		w.Header().Set("X-Message-Id", strings.ReplaceAll(uuid.NewString(), "-", ""))
		w.WriteHeader(http.StatusAccepted)
	default:
		http.NotFound(w, r)
	}
}

// sends returns the times of the mail sends received, and how many were
// accepted.
func (sg *sendGridAPI) sends() ([]time.Time, int) {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	return append([]time.Time(nil), sg.attempts...), sg.accepted
}

// sendGridIntegration adds a SendGrid integration on a base URL.
func (e *env) sendGridIntegration(t *testing.T, name, baseURL string) *admin.Integration {
	t.Helper()
	r := e.call(t, "POST", "/api/integrations", map[string]any{"integrationType": integration.TypeEmail,
		"integrationProvider": sendgrid.Name, "integrationName": name, "settings": map[string]string{
			sendgrid.FieldAPIKey: sendGridKey, "fromEmail": "noreply@intime.example", "fromName": "InTime Staffing", sendgrid.FieldBaseURL: baseURL}})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var in admin.Integration
	r.decode(t, &in)
	return &in
}
