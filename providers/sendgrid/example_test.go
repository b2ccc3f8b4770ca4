package sendgrid_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/providers/sendgrid"
)

// Sending through SendGrid's Web API v3; baseUrl points at a stand-in
// server here.
func ExampleProvider_Do() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Message-Id", "14c5d75ce93")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer api.Close()

	inst := providers.NewInstance("SendGrid", sendgrid.New(nil), providers.Settings{
		"apiKey": "SG.example", "fromEmail": "noreply@intime.example", "fromName": "InTime Staffing", "baseUrl": api.URL,
	}, nil)
	r, err := email.Send(context.Background(), inst, &email.Message{
		To: []string{"jane@example.com"}, Subject: "Interview", Text: "See you at 10.",
	})
	fmt.Println(r.MessageID, err)
	// Output: 14c5d75ce93 <nil>
}
