package ringcentral

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sms"
)

// The phone operations. They are the phone integration type's, so that
// another VoIP provider can serve the same payloads. Text messages are
// [sms.OpSend].
const (
	// OpCall places a RingOut call: the From phone rings, and when it
	// answers the To phone is called. [CallRequest] in, [Call] out.
	OpCall = "phone.call"
	// OpCallGet reads a call's status: [CallRef] in, [Call] out.
	OpCallGet = "phone.call.get"
	// OpCallCancel cancels a call still ringing: [CallRef] in, [Call] out.
	OpCallCancel = "phone.call.cancel"
)

// CallRequest is a call to place.
type CallRequest struct {
	// To is the phone to call, E.164.
	To string `json:"to"`
	// From is the phone rung first, E.164; empty means the integration's
	// ringOutFrom.
	From string `json:"from,omitempty"`
	// PlayPrompt asks the From party to press 1 before the call goes
	// through.
	PlayPrompt bool `json:"playPrompt,omitempty"`
}

// CallRef names a call.
type CallRef struct {
	CallID string `json:"callId"`
}

// Call is a call's state.
type Call struct {
	CallID string `json:"callId"`
	// Status is RingCentral's callStatus: InProgress, Success,
	// CannotReach, Error, NoAnsweringMachine, NoSessionFound, Invalid.
	Status string `json:"status"`
	// CallerStatus and CalleeStatus are the From and To parties' states.
	CallerStatus string `json:"callerStatus,omitempty"`
	CalleeStatus string `json:"calleeStatus,omitempty"`
}

// Do implements [providers.Provider]: [sms.OpSend], [OpCall], [OpCallGet]
// and [OpCallCancel].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	switch name := opName(op); name {
	case sms.OpSend, OpCall, OpCallGet, OpCallCancel:
		c, err := p.session(s)
		if err != nil {
			return nil, err
		}
		if name == sms.OpSend {
			return sms.Handle(op, func(m *sms.Message) (*sms.Receipt, error) { return c.send(ctx, m) })
		}
		return httpapi.Dispatch(ctx, Name, callHandlers, op, func() (*session, error) { return c, nil })
	}
	return nil, providers.UnknownOperation(op)
}

func opName(op *providers.Operation) string {
	if op == nil {
		return ""
	}
	return op.Name
}

var callHandlers = map[string]httpapi.Handler[*session]{
	OpCall: func(ctx context.Context, c *session, p json.RawMessage) (any, error) { return c.ringOut(ctx, p) },
	OpCallGet: func(ctx context.Context, c *session, p json.RawMessage) (any, error) {
		return c.callRef(ctx, p, OpCallGet)
	},
	OpCallCancel: func(ctx context.Context, c *session, p json.RawMessage) (any, error) {
		return c.callRef(ctx, p, OpCallCancel)
	},
}

type phoneNumber struct {
	PhoneNumber string `json:"phoneNumber"`
}

// send posts an SMS (POST .../extension/~/sms) from the integration's
// number, or the message's own.
func (c *session) send(ctx context.Context, m *sms.Message) (*sms.Receipt, error) {
	body := map[string]any{"from": phoneNumber{or(m.From, c.st.phone)}, "to": []phoneNumber{{m.To}}, "text": m.Body}
	var out struct {
		ID            int64  `json:"id"`
		MessageStatus string `json:"messageStatus"`
	}
	if err := c.JSON(ctx, http.MethodPost, c.st.extensionURL("/sms"), body, &out); err != nil {
		return nil, err
	}
	return &sms.Receipt{MessageID: strconv.FormatInt(out.ID, 10), Status: out.MessageStatus}, nil
}

// apiRingOut is RingCentral's RingOut status answer.
type apiRingOut struct {
	ID     int64 `json:"id"`
	Status struct {
		CallStatus   string `json:"callStatus"`
		CallerStatus string `json:"callerStatus"`
		CalleeStatus string `json:"calleeStatus"`
	} `json:"status"`
}

// ringOut places a call (POST .../extension/~/ring-out) with the
// integration's number as the caller ID.
func (c *session) ringOut(ctx context.Context, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[CallRequest](Name, OpCall, payload)
	if err != nil {
		return nil, err
	}
	from := or(in.From, c.st.ringOutFrom)
	switch {
	case !sms.ValidPhone(in.To):
		return nil, httpapi.Invalid(Name, OpCall, "to must be an E.164 phone number such as +15551234567")
	case !sms.ValidPhone(from):
		return nil, httpapi.Invalid(Name, OpCall, "from must be an E.164 phone number, or the integration must set ringOutFrom")
	}
	body := map[string]any{"from": phoneNumber{from}, "to": phoneNumber{in.To}, "callerId": phoneNumber{c.st.phone},
		"playPrompt": in.PlayPrompt}
	var out apiRingOut
	if err := c.JSON(ctx, http.MethodPost, c.st.extensionURL("/ring-out"), body, &out); err != nil {
		return nil, err
	}
	return callOf(&out), nil
}

var callID = regexp.MustCompile(`^[0-9]{1,20}$`)

// callRef reads (GET) or cancels (DELETE, 204) the RingOut call named by
// the payload.
func (c *session) callRef(ctx context.Context, payload json.RawMessage, op string) (any, error) {
	in, err := httpapi.Decode[CallRef](Name, op, payload)
	if err != nil {
		return nil, err
	}
	if !callID.MatchString(in.CallID) {
		return nil, httpapi.Invalid(Name, op, "callId must be RingCentral's numeric RingOut ID")
	}
	u := c.st.extensionURL("/ring-out/" + in.CallID)
	if op == OpCallCancel {
		if err := c.JSON(ctx, http.MethodDelete, u, nil, nil); err != nil {
			return nil, err
		}
		return &Call{CallID: in.CallID, Status: "Canceled"}, nil
	}
	var out apiRingOut
	if err := c.JSON(ctx, http.MethodGet, u, nil, &out); err != nil {
		return nil, err
	}
	return callOf(&out), nil
}

func callOf(r *apiRingOut) *Call {
	return &Call{CallID: strconv.FormatInt(r.ID, 10), Status: r.Status.CallStatus,
		CallerStatus: r.Status.CallerStatus, CalleeStatus: r.Status.CalleeStatus}
}

// CallPlace places a RingOut call through c.
func CallPlace(ctx context.Context, c providers.Caller, r *CallRequest) (*Call, error) {
	return httpapi.Call[Call](ctx, c, Name, OpCall, r, "")
}

// CallGet reads a call's status through c.
func CallGet(ctx context.Context, c providers.Caller, id string) (*Call, error) {
	return httpapi.Call[Call](ctx, c, Name, OpCallGet, &CallRef{CallID: id}, "")
}

// CallCancel cancels a call still ringing through c.
func CallCancel(ctx context.Context, c providers.Caller, id string) (*Call, error) {
	return httpapi.Call[Call](ctx, c, Name, OpCallCancel, &CallRef{CallID: id}, "")
}
