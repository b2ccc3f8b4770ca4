package providers

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Provider is the boundary between a host and the code that talks to one
// external service (SendGrid, AWS SES, Checkr, ...). The same interface is
// implemented in process by a provider's Go type, and on the host side by a
// plugin running in another process (see [Host]).
//
// Every method takes the caller's context first; across the plugin boundary
// its deadline and cancellation travel with the call. Errors should be
// *[Error] values or carry a [retry.Class]; see [AsError] for how other errors
// are classified. Implementations embed [UnimplementedProvider] so that
// methods added to this interface later do not break them.
type Provider interface {
	// Info describes the provider: name, integration types, version,
	// configuration fields with their rules and messages, capabilities.
	Info(ctx context.Context) (*Info, error)
	// Validate checks settings against the provider's rules. It returns a
	// *[ValidationError] with one message per invalid field, or nil.
	Validate(ctx context.Context, s Settings) error
	// Check tests the connection in stages (DNS, TCP, TLS, authentication).
	// A failed stage is reported in the result, not as an error; the error
	// is for failures to run the check at all.
	Check(ctx context.Context, s Settings) (*CheckResult, error)
	// Do performs a named operation, such as "email.send".
	Do(ctx context.Context, s Settings, op *Operation) (*Result, error)
	// HandleWebhook verifies an inbound provider event's signature and
	// returns the events it carries, normalised. Optional: providers without
	// inbound events return [ErrUnsupported].
	HandleWebhook(ctx context.Context, s Settings, req *WebhookRequest) ([]Event, error)
}

// Settings are an integration's configuration values keyed by field name
// (the spec's names: smtpHost, smtpPort, ...). Lists are comma-separated.
// Secrets are included: Settings are passed explicitly on every call and are
// never logged.
type Settings map[string]string

// Operation is a named operation with a JSON payload.
type Operation struct {
	// Name is the operation, e.g. "email.send" (see [Info.Capabilities]).
	Name string
	// Payload is the operation's input as JSON.
	Payload json.RawMessage
	// IdempotencyKey identifies the logical request across attempts and
	// failover, for providers that can de-duplicate. Optional.
	IdempotencyKey string
}

// Result is an operation's output.
type Result struct {
	// Payload is the operation's output as JSON (may be empty).
	Payload json.RawMessage
}

// WebhookRequest is an inbound HTTP request from a provider.
type WebhookRequest struct {
	Header http.Header
	Body   []byte
}

// Event is a normalised inbound provider event.
type Event struct {
	// ID is the provider's event ID, for de-duplication.
	ID string
	// Type is the normalised type, e.g. "email.bounced".
	Type string
	// Time is when the provider says the event happened.
	Time time.Time
	// Data is the event's normalised payload as JSON.
	Data json.RawMessage
}

// UnimplementedProvider answers every [Provider] method with an error of
// [KindUnsupported] (errors.Is [ErrUnsupported]). Embed it in a provider so
// it keeps compiling, and keeps answering, when methods are added.
type UnimplementedProvider struct{}

var _ Provider = UnimplementedProvider{}

func unsupported(method string) error {
	return &Error{Kind: KindUnsupported, Message: method + " is not supported", Err: ErrUnsupported}
}

// Info returns an error of [KindUnsupported].
func (UnimplementedProvider) Info(context.Context) (*Info, error) {
	return nil, unsupported("Info")
}

// Validate returns an error of [KindUnsupported].
func (UnimplementedProvider) Validate(context.Context, Settings) error {
	return unsupported("Validate")
}

// Check returns an error of [KindUnsupported].
func (UnimplementedProvider) Check(context.Context, Settings) (*CheckResult, error) {
	return nil, unsupported("Check")
}

// Do returns an error of [KindUnsupported].
func (UnimplementedProvider) Do(_ context.Context, _ Settings, op *Operation) (*Result, error) {
	return nil, UnknownOperation(op)
}

// HandleWebhook returns an error of [KindUnsupported].
func (UnimplementedProvider) HandleWebhook(context.Context, Settings, *WebhookRequest) ([]Event, error) {
	return nil, unsupported("HandleWebhook")
}

// UnknownOperation returns the error a provider returns for an operation it
// does not implement: [KindUnsupported], errors.Is [ErrUnsupported].
func UnknownOperation(op *Operation) error {
	name := ""
	if op != nil {
		name = op.Name
	}
	return &Error{Kind: KindUnsupported, Message: "operation " + name + " is not supported", Err: ErrUnsupported}
}
