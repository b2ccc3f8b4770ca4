package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// The event types of the spec (§6).
const (
	EventJobCreated         = "job.created"
	EventJobUpdated         = "job.updated"
	EventJobClosed          = "job.closed"
	EventCandidateCreated   = "candidate.created"
	EventCandidateUpdated   = "candidate.updated"
	EventSubmissionCreated  = "submission.created"
	EventSubmissionUpdated  = "submission.updated"
	EventSubmissionPlaced   = "submission.placed"
	EventInterviewScheduled = "interview.scheduled"
	EventInterviewCompleted = "interview.completed"
	EventUserCreated        = "user.created"
	EventUserDeactivated    = "user.deactivated"
)

// MaxPayloadSize is the largest payload a publish accepts: 10 MB (§16).
const MaxPayloadSize = 10 << 20

// EventNameMaxLen is the longest event type name, in characters (the
// schema's event_type VARCHAR(50)).
const EventNameMaxLen = 50

// Event is something that happened in the host application.
type Event struct {
	// Type is an event type of the catalog, such as "job.created".
	Type string
	// Timestamp is when it happened; zero means the Dispatcher's clock.
	Timestamp time.Time
	// Data is the event's body, marshalled to JSON (a json.RawMessage is
	// used as is).
	Data any
	// IdempotencyKey, when set, makes a repeated publish of the same key to
	// the same subscription a no-op.
	IdempotencyKey string
}

// Payload is the JSON body of every delivery (§12).
type Payload struct {
	Event     string          `json:"event"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// EventType describes one event type of the catalog.
type EventType struct {
	// Name is the type, such as "job.created".
	Name string
	// Description is the short text the debugger shows ("new job posted").
	Description string
	// Sample is the data of the sample payload used by test sends.
	Sample json.RawMessage
}

// DefaultEvents returns the spec's event catalog with sample data.
func DefaultEvents() []EventType {
	job := `{"job_id":"JOB-2024-1234","title":"Senior Java Developer","status":"active","bill_rate":85.00}`
	cand := `{"candidate_id":"CAND-2024-5678","first_name":"Ada","last_name":"Lovelace","email":"ada@example.com"}`
	sub := `{"submission_id":"SUB-2024-0042","job_id":"JOB-2024-1234","candidate_id":"CAND-2024-5678","status":"submitted"}`
	intv := `{"interview_id":"INT-2024-0007","job_id":"JOB-2024-1234","candidate_id":"CAND-2024-5678","scheduled_at":"2024-12-10T15:00:00Z"}`
	user := `{"user_id":"USR-2024-0099","email":"recruiter@example.com","role":"recruiter"}`
	return []EventType{
		{EventJobCreated, "new job posted", json.RawMessage(job)},
		{EventJobUpdated, "job details changed", json.RawMessage(job)},
		{EventJobClosed, "job filled/cancelled", json.RawMessage(`{"job_id":"JOB-2024-1234","status":"filled"}`)},
		{EventCandidateCreated, "new candidate added", json.RawMessage(cand)},
		{EventCandidateUpdated, "candidate details changed", json.RawMessage(cand)},
		{EventSubmissionCreated, "candidate submitted to a job", json.RawMessage(sub)},
		{EventSubmissionUpdated, "submission status changed", json.RawMessage(sub)},
		{EventSubmissionPlaced, "candidate placed", json.RawMessage(sub)},
		{EventInterviewScheduled, "interview scheduled", json.RawMessage(intv)},
		{EventInterviewCompleted, "interview completed", json.RawMessage(intv)},
		{EventUserCreated, "user account created", json.RawMessage(user)},
		{EventUserDeactivated, "user account deactivated", json.RawMessage(user)},
	}
}

// Catalog is the set of event types subscriptions may name. It is safe for
// concurrent use.
type Catalog struct {
	mu    sync.RWMutex
	types map[string]EventType
	order []string
}

// NewCatalog returns a catalog holding types.
func NewCatalog(types ...EventType) *Catalog {
	c := &Catalog{types: make(map[string]EventType)}
	for _, t := range types {
		_ = c.Register(t)
	}
	return c
}

// Register adds or replaces an event type. Its name is 1 to 50 letters,
// digits, '.', '_' or '-', such as "timesheet.approved". A nil Sample
// becomes {}.
func (c *Catalog) Register(t EventType) error {
	if !validEventName(t.Name) {
		return fmt.Errorf("webhook: event type name must be 1 to %d letters, digits, '.', '_' or '-' (such as %q), got %q",
			EventNameMaxLen, EventJobCreated, t.Name)
	}
	if len(t.Sample) == 0 {
		t.Sample = json.RawMessage(`{}`)
	}
	if !json.Valid(t.Sample) {
		return fmt.Errorf("webhook: sample of %q is not valid JSON", t.Name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.types[t.Name]; !ok {
		c.order = append(c.order, t.Name)
	}
	c.types[t.Name] = t
	return nil
}

// Lookup returns the event type called name.
func (c *Catalog) Lookup(name string) (EventType, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.types[name]
	return t, ok
}

// Types returns the event types in registration order.
func (c *Catalog) Types() []EventType {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]EventType, len(c.order))
	for i, n := range c.order {
		out[i] = c.types[n]
	}
	return out
}

// Names returns the event type names, sorted.
func (c *Catalog) Names() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := append([]string(nil), c.order...)
	sort.Strings(out)
	return out
}

// SamplePayload returns the §12 sample payload of an event type, stamped
// with at.
func (c *Catalog) SamplePayload(name string, at time.Time) (json.RawMessage, error) {
	t, ok := c.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownEvent, name)
	}
	return encodePayload(name, at, t.Sample)
}

// encodePayload builds the {"event","timestamp","data"} body.
func encodePayload(name string, at time.Time, data json.RawMessage) (json.RawMessage, error) {
	// Whole seconds, "2024-12-04T10:30:00Z" as §12 shows: one fixed
	// layout for receivers (with fractions, the width would vary).
	b, err := marshalJSON(Payload{Event: name, Timestamp: at.UTC().Truncate(time.Second), Data: data})
	if err != nil {
		return nil, fmt.Errorf("webhook: encode payload: %w", err)
	}
	return b, nil
}

// eventData marshals an event's data. It refuses text a PostgreSQL jsonb
// column cannot hold, whichever store is used, so that an event publishes
// alike everywhere (see checkStorableJSON).
func eventData(data any) (json.RawMessage, error) {
	var b []byte
	switch d := data.(type) {
	case nil:
		return json.RawMessage(`{}`), nil
	case json.RawMessage:
		if !json.Valid(d) {
			return nil, fmt.Errorf("webhook: event data is not valid JSON")
		}
		b = d
	default:
		var err error
		if b, err = marshalJSON(data); err != nil {
			return nil, fmt.Errorf("webhook: encode event data: %w", err)
		}
	}
	if !utf8.Valid(b) {
		return nil, ErrPayloadUnstorable // json.Valid passes invalid UTF-8 in strings
	}
	if err := checkStorableJSON(b); err != nil {
		return nil, err
	}
	return b, nil
}

// marshalJSON is json.Marshal without HTML escaping: a receiver gets "<"
// as it was published, not "\u003c", and such text does not grow six-fold
// towards the payload limit.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkStorableJSON refuses valid JSON whose strings hold \u0000 or half of
// a surrogate pair (\ud800 alone): jsonb cannot store either, and SQLite
// would store what PostgreSQL refuses. b must be valid JSON, so a
// backslash is always an escape inside a string and \u always has four
// hex digits after it.
func checkStorableJSON(b []byte) error {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if b[i+1] != 'u' {
			i++ // a one-character escape, \\ included
			continue
		}
		r := hex4(b[i+2 : i+6])
		i += 5 // on the escape's last digit
		switch {
		case r == 0, r >= 0xdc00 && r <= 0xdfff:
			return ErrPayloadUnstorable
		case r >= 0xd800 && r <= 0xdbff:
			if i+6 >= len(b) || b[i+1] != '\\' || b[i+2] != 'u' {
				return ErrPayloadUnstorable
			}
			if lo := hex4(b[i+3 : i+7]); lo < 0xdc00 || lo > 0xdfff {
				return ErrPayloadUnstorable
			}
			i += 6
		}
	}
	return nil
}

// hex4 parses the four hex digits of a \u escape.
func hex4(b []byte) uint64 {
	n, _ := strconv.ParseUint(string(b), 16, 16)
	return n
}

// validEventName reports whether name is 1 to 50 characters, each a
// letter, a digit, '.', '_' or '-' ("job.created"): names are stored in a
// VARCHAR(50), sent in the X-InTime-Event header and shown as they are, so
// spaces, punctuation and control characters are refused.
func validEventName(name string) bool {
	if name == "" || utf8.RuneCountInString(name) > EventNameMaxLen || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != '_' && r != '-' {
			return false
		}
	}
	return true
}
