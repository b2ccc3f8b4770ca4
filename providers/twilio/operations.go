package twilio

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sms"
)

// OpMessageGet reads a message's delivery status: [MessageGetParams] in,
// [Message] out. Sending is [sms.OpSend].
const OpMessageGet = "twilio.message.get"

// MessageGetParams is the payload of [OpMessageGet].
type MessageGetParams struct {
	// SID is the message's SID (SM... or MM...), as [sms.Receipt.MessageID].
	SID string `json:"sid"`
}

// Message is a message's state as Twilio reports it.
type Message struct {
	SID string `json:"sid"`
	// Status is Twilio's: queued, sending, sent, delivered, undelivered,
	// failed, accepted, scheduled, read, canceled.
	Status      string `json:"status"`
	To          string `json:"to"`
	From        string `json:"from,omitempty"`
	NumSegments int    `json:"numSegments,omitempty"`
	// ErrorCode is Twilio's error code for a failed or undelivered message.
	ErrorCode    int       `json:"errorCode,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	DateCreated  time.Time `json:"dateCreated,omitzero"`
	DateSent     time.Time `json:"dateSent,omitzero"`
	Price        string    `json:"price,omitempty"`
	PriceUnit    string    `json:"priceUnit,omitempty"`
}

// apiMessage is Twilio's Message resource, the fields kept.
type apiMessage struct {
	SID          string  `json:"sid"`
	Status       string  `json:"status"`
	To           string  `json:"to"`
	From         string  `json:"from"`
	NumSegments  string  `json:"num_segments"`
	ErrorCode    *int    `json:"error_code"`
	ErrorMessage *string `json:"error_message"`
	DateCreated  string  `json:"date_created"`
	DateSent     *string `json:"date_sent"`
	Price        *string `json:"price"`
	PriceUnit    string  `json:"price_unit"`
}

// Do implements [providers.Provider]: [sms.OpSend] and [OpMessageGet].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	if op != nil && op.Name == sms.OpSend {
		st, err := parseSettings(s)
		if err != nil {
			return nil, err
		}
		return sms.Handle(op, func(m *sms.Message) (*sms.Receipt, error) { return p.send(ctx, st, m) })
	}
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*settings]{OpMessageGet: p.messageGet}, op,
		func() (*settings, error) { return parseSettings(s) })
}

// send creates a Message: POST /2010-04-01/Accounts/{sid}/Messages.json,
// form encoded.
func (p *Provider) send(ctx context.Context, st *settings, m *sms.Message) (*sms.Receipt, error) {
	form := url.Values{"To": {m.To}, "Body": {m.Body}}
	form.Set("From", st.from)
	if m.From != "" {
		form.Set("From", m.From)
	}
	if st.service != "" {
		form.Set("MessagingServiceSid", st.service)
	}
	if st.callback != "" {
		form.Set("StatusCallback", st.callback)
	}
	for _, u := range m.MediaURLs {
		form.Add("MediaUrl", u)
	}
	var out apiMessage
	if err := p.call(ctx, st, http.MethodPost, "/Messages.json", form, &out); err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(out.NumSegments)
	return &sms.Receipt{MessageID: out.SID, Status: out.Status, Segments: n}, nil
}

var messageSID = regexp.MustCompile(`^(SM|MM)[0-9a-fA-F]{32}$`)

func (p *Provider) messageGet(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[MessageGetParams](Name, OpMessageGet, payload)
	if err != nil {
		return nil, err
	}
	if !messageSID.MatchString(in.SID) {
		return nil, httpapi.Invalid(Name, OpMessageGet, "sid must be SM or MM followed by 32 hexadecimal characters")
	}
	var out apiMessage
	if err := p.call(ctx, st, http.MethodGet, "/Messages/"+in.SID+".json", nil, &out); err != nil {
		return nil, err
	}
	return normalise(&out), nil
}

func normalise(a *apiMessage) *Message {
	m := &Message{SID: a.SID, Status: a.Status, To: a.To, From: a.From, PriceUnit: a.PriceUnit,
		DateCreated: rfc2822(a.DateCreated)}
	m.NumSegments, _ = strconv.Atoi(a.NumSegments)
	if a.ErrorCode != nil {
		m.ErrorCode = *a.ErrorCode
	}
	if a.ErrorMessage != nil {
		m.ErrorMessage = *a.ErrorMessage
	}
	if a.DateSent != nil {
		m.DateSent = rfc2822(*a.DateSent)
	}
	if a.Price != nil {
		m.Price = *a.Price
	}
	return m
}

// rfc2822 parses Twilio's dates ("Thu, 24 Aug 2023 05:01:45 +0000").
func rfc2822(s string) time.Time {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// call sends a request to the account's resource suffix, form encoded when
// form is non-nil, and decodes the answer into out.
func (p *Provider) call(ctx context.Context, st *settings, method, suffix string, form url.Values, out any) error {
	r := &httpapi.Request{Method: method, URL: st.accountURL(suffix), Secrets: []string{st.token},
		Auth: func(req *http.Request) { req.SetBasicAuth(st.sid, st.token) }}
	if form != nil {
		r.Body, r.ContentType = []byte(form.Encode()), "application/x-www-form-urlencoded"
	}
	resp, err := p.c.Do(ctx, r)
	if err != nil {
		return err
	}
	return httpapi.DecodeBody(Name, suffix, resp.Body, out)
}

// errorMessage reads Twilio's error body, {"code": 21211, "message": "...",
// "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}.
func errorMessage(_ int, _ http.Header, body []byte) string {
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		return ""
	}
	if e.Code != 0 {
		return e.Message + " (Twilio error " + strconv.Itoa(e.Code) + ")"
	}
	return e.Message
}

// MessageGet reads a message's status through c (an instance or a failover
// group of Twilio providers). Sending is [sms.Send].
func MessageGet(ctx context.Context, c providers.Caller, sid string) (*Message, error) {
	return httpapi.Call[Message](ctx, c, Name, OpMessageGet, &MessageGetParams{SID: sid}, "")
}
