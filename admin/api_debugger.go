package admin

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/webhook"
)

// FieldPayload names the debugger's payload field in errors.
const FieldPayload = "payload"

// Our words for the payload field, which the spec does not word.
const (
	msgPayloadInvalid = "The payload must be valid JSON"
)

// TestInput is the debugger's form (§12): the event, and optionally the
// edited sample payload. Payload may be the whole envelope
// ({"event","timestamp","data"}), whose data is sent, or the data alone.
type TestInput struct {
	Event   string          `json:"event,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// SendResult is what one test send sent and received (§12 "Delivery
// result").
type SendResult struct {
	OK                bool                `json:"ok"`
	URL               string              `json:"url"`
	StatusCode        int                 `json:"statusCode"`
	Status            string              `json:"status"`
	DurationMS        int64               `json:"durationMs"`
	RequestHeaders    map[string][]string `json:"requestHeaders"`
	ResponseHeaders   map[string][]string `json:"responseHeaders,omitempty"`
	ResponseBody      string              `json:"responseBody"`
	ResponseTruncated bool                `json:"responseTruncated,omitempty"`
	// Error is the failure as the spec words it ("Webhook endpoint returned
	// error: 500"), empty on success.
	Error  string    `json:"error,omitempty"`
	SentAt time.Time `json:"sentAt"`
}

func toSendResult(res *webhook.Result) *SendResult {
	out := &SendResult{OK: res.OK(), URL: res.URL, StatusCode: res.StatusCode, Status: statusText(res.StatusCode),
		DurationMS: res.Duration.Milliseconds(), RequestHeaders: res.RequestHeaders, ResponseHeaders: res.ResponseHeaders,
		ResponseBody: res.ResponseBody, ResponseTruncated: res.ResponseTruncated, SentAt: res.SentAt}
	if out.RequestHeaders == nil {
		out.RequestHeaders = map[string][]string{}
	}
	if err := res.Err(); err != nil {
		out.Error = err.Error()
		if de, ok := err.(*webhook.DeliveryError); ok {
			out.Error = de.Reason()
		}
	}
	return out
}

// statusText is "200 OK", or "no response".
func statusText(code int) string {
	if code == 0 {
		return "no response"
	}
	return http.StatusText(code)
}

func (h *Handler) apiWebhookTest(r *http.Request, in *TestInput) (*SendResult, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.testSend(r, id, in)
}

// testSend sends the sample, or the edited payload's data.
func (h *Handler) testSend(r *http.Request, id uuid.UUID, in *TestInput) (*SendResult, error) {
	var (
		res *webhook.Result
		err error
	)
	if len(bytes.TrimSpace(in.Payload)) == 0 {
		res, err = h.cfg.Webhooks.TestSend(r.Context(), org(r), id, &webhook.TestSendOpts{Event: in.Event})
	} else {
		data, derr := payloadData(in.Payload)
		if derr != nil {
			return nil, derr
		}
		event := in.Event
		if event == "" {
			event = envelopeEvent(in.Payload)
		}
		if event == "" {
			s, err := h.cfg.Webhooks.SubscriptionGet(r.Context(), org(r), id)
			if err != nil {
				return nil, err
			}
			if len(s.Events) > 0 {
				event = s.Events[0]
			}
		}
		res, err = h.cfg.Webhooks.TestSendData(r.Context(), org(r), id, event, data)
	}
	if err != nil {
		return nil, err
	}
	_ = h.audit(r, "webhookTest", "webhook", id, in.Event)
	return toSendResult(res), nil
}

// payloadData returns the data of an edited payload: the envelope's data
// member, or the whole value when it is not an envelope.
func payloadData(p json.RawMessage) (json.RawMessage, error) {
	if !json.Valid(p) {
		return nil, fieldError(FieldPayload, msgPayloadInvalid)
	}
	var env struct {
		Event *string         `json:"event"`
		Data  json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(p, &env); err == nil && env.Event != nil && env.Data != nil {
		return env.Data, nil
	}
	return p, nil
}

// envelopeEvent is the event named in an edited envelope, if any.
func envelopeEvent(p json.RawMessage) string {
	var env struct {
		Event string `json:"event"`
	}
	_ = json.Unmarshal(p, &env)
	return env.Event
}
