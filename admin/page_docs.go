package admin

import (
	"net/http"

	"github.com/intimeos/integrations/webhook"
)

// docsView is the webhook documentation, generated from the event
// catalog, with signatures worked out for an example secret so that a
// receiver's code can be checked against them.
type docsView struct {
	Events        []*EventType
	ExampleSecret string
	ExampleID     string
	ExampleTS     int64
	ExampleBody   string
	InTimeSig     string
	StandardSig   string
	Headers       []docHeader
}

type docHeader struct{ Name, Value, Meaning string }

// exampleSecret is a made-up secret of the right shape (24 bytes, base64).
const exampleSecret = "c2VjcmV0LWZvci1kb2NzLW9ubHktMDAw"

func (h *Handler) pageDocs(w http.ResponseWriter, r *http.Request) {
	events, err := h.eventTypes()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &docsView{Events: events, ExampleSecret: exampleSecret, ExampleID: "msg_2f1c0b7e-8a41-4b0e-9d57-3c1a2e6f9b10", ExampleTS: 1733308200}
	if len(events) > 0 {
		v.ExampleBody = string(events[0].SamplePayload)
	}
	body := []byte(v.ExampleBody)
	v.InTimeSig = webhook.SignatureInTime(exampleSecret, body)
	v.StandardSig = webhook.SignatureStandard(exampleSecret, v.ExampleID, v.ExampleTS, body)
	v.Headers = []docHeader{
		{"Content-Type", "application/json", "always JSON"},
		{webhook.HeaderEvent, "job.created", "the event type"},
		{webhook.HeaderDelivery, "<event ID>", "the same on every retry: de-duplicate on it"},
		{webhook.HeaderAttempt, "1", "the attempt number"},
		{webhook.HeaderSignature, "sha256=<hex>", "HMAC-SHA256 of the raw body, keyed by the secret's text"},
		{webhook.HeaderWebhookID, "msg_<event ID>", "Standard Webhooks message ID"},
		{webhook.HeaderWebhookTimestamp, "<unix seconds>", "Standard Webhooks timestamp; refuse it if more than 5 minutes off"},
		{webhook.HeaderWebhookSignature, "v1,<base64>", `HMAC-SHA256 of "id.timestamp.body", keyed by the base64-decoded secret`},
	}
	h.render(w, r, "docs", http.StatusOK, h.newView(w, r, "docs", "Webhook documentation", v))
}
