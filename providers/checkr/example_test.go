package checkr_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/checkr"
)

// A host's webhook endpoint hands Checkr's request to the provider, which
// verifies the signature and normalises the event.
func ExampleProvider_HandleWebhook() {
	const apiKey = "83ebeabdec09f6670863766f792ead24d61fe3f9"
	body := []byte(`{"id":"evt_1","type":"report.completed","created_at":"2024-05-01T10:30:00Z",
		"data":{"object":{"id":"rpt_1","object":"report","status":"complete","result":"clear","candidate_id":"cand_1"}}}`)
	req := &providers.WebhookRequest{
		Header: http.Header{checkr.SignatureHeader: {checkr.Sign(body, apiKey)}},
		Body:   body,
	}
	s := providers.Settings{checkr.FieldAPIKey: apiKey}
	p := checkr.New(nil)
	evs, err := p.HandleWebhook(context.Background(), s, req)
	fmt.Println(err)
	fmt.Println(evs[0].Type, string(evs[0].Data))

	req.Header.Set(checkr.SignatureHeader, checkr.Sign(body, "not the key"))
	_, err = p.HandleWebhook(context.Background(), s, req)
	fmt.Println(providers.UserMessage(err, checkr.DisplayName))
	// Output:
	// <nil>
	// background_check.completed {"checkrType":"report.completed","reportId":"rpt_1","candidateId":"cand_1","status":"complete","result":"clear"}
	// Authentication failed. Please check credentials.
}
