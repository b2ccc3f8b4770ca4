package calendar

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/intimeos/integrations/providers/internal/payload"
)

// Limits of an event, within what Google Calendar and Microsoft Graph both
// accept.
const (
	MaxSummary     = 255
	MaxDescription = 8000
	MaxLocation    = 255
	MaxAttendees   = 100
	MaxName        = 255
	// MaxDuration is the longest event: an interview, not a holiday.
	MaxDuration = 24 * time.Hour
	// MaxID bounds event IDs and idempotency keys, in bytes.
	MaxID = payload.MaxID
)

// Notify says who is told of a new, changed or cancelled event.
type Notify string

// The notification choices. The zero value is the integration's setting.
const (
	NotifyAll      Notify = "all"          // every attendee
	NotifyExternal Notify = "externalOnly" // attendees outside the organization (Google only)
	NotifyNone     Notify = "none"         // nobody (Google only)
)

// Valid reports whether n is empty or one of the choices.
func (n Notify) Valid() bool {
	return n == "" || n == NotifyAll || n == NotifyExternal || n == NotifyNone
}

// Attendee is an invited person.
type Attendee struct {
	Email string `json:"email"`
	// Name is shown in the invitation. Optional.
	Name string `json:"name,omitempty"`
	// Optional marks an optional attendee.
	Optional bool `json:"optional,omitempty"`
}

// Event is an interview to put in the calendar.
type Event struct {
	// ID identifies the event across attempts and failover; it becomes the
	// operation's IdempotencyKey. Optional.
	ID          string `json:"id,omitempty"`
	Summary     string `json:"summary"`
	Description string `json:"description,omitempty"`
	Location    string `json:"location,omitempty"`
	// Start and End are the event's time; End is after Start, at most
	// [MaxDuration] later.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// TimeZone is the IANA zone the event is shown in; empty means the
	// integration's.
	TimeZone  string     `json:"timeZone,omitempty"`
	Attendees []Attendee `json:"attendees,omitempty"`
	// OnlineMeeting adds the calendar's own video link (Google Meet,
	// Microsoft Teams) to the event: [EventReceipt.JoinURL].
	OnlineMeeting bool `json:"onlineMeeting,omitempty"`
	// Notify says who is invited by email; empty means the integration's
	// setting.
	Notify Notify `json:"notify,omitempty"`
}

// EventReceipt is the provider's event after a create or an update.
type EventReceipt struct {
	// EventID is the provider's ID, for updates and cancellation.
	EventID string `json:"eventId"`
	// Status is the provider's status, e.g. "confirmed".
	Status string `json:"status,omitempty"`
	// WebLink opens the event in the calendar's web application.
	WebLink string `json:"webLink,omitempty"`
	// ICalUID is the event's iCalendar UID, the same in every attendee's
	// calendar.
	ICalUID string `json:"iCalUid,omitempty"`
	// JoinURL is the video link when one was asked for.
	JoinURL string    `json:"joinUrl,omitempty"`
	Start   time.Time `json:"start,omitzero"`
	End     time.Time `json:"end,omitzero"`
}

// EventChange is an update of an event: the fields set are changed, the
// others kept.
type EventChange struct {
	EventID     string  `json:"eventId"`
	Summary     *string `json:"summary,omitempty"`
	Description *string `json:"description,omitempty"`
	Location    *string `json:"location,omitempty"`
	// Start and End move the event; both or neither are set.
	Start *time.Time `json:"start,omitempty"`
	End   *time.Time `json:"end,omitempty"`
	// TimeZone is the zone of the new Start and End; empty means the
	// integration's.
	TimeZone string `json:"timeZone,omitempty"`
	// Attendees, if not empty, replace the attendee list.
	Attendees []Attendee `json:"attendees,omitempty"`
	Notify    Notify     `json:"notify,omitempty"`
}

// EventCancellation cancels an event.
type EventCancellation struct {
	EventID string `json:"eventId"`
	// Comment is sent to the attendees with the cancellation, where the
	// provider supports it (Microsoft Graph). Optional.
	Comment string `json:"comment,omitempty"`
	Notify  Notify `json:"notify,omitempty"`
}

// CancelReceipt acknowledges a cancellation.
type CancelReceipt struct {
	EventID string `json:"eventId"`
	// AlreadyCancelled is true when the provider reported the event
	// cancelled before this call (a retried cancellation).
	AlreadyCancelled bool `json:"alreadyCancelled,omitempty"`
}

// Validate checks the event. Errors are [providers.KindInvalidInput].
func (e *Event) Validate() error {
	errs := []error{payload.Text("summary", e.Summary, MaxSummary, true),
		payload.Text("description", e.Description, MaxDescription, false),
		payload.Text("location", e.Location, MaxLocation, false),
		payload.ID("id", e.ID, false), payload.Times(e.Start, e.End, MaxDuration), payload.Zone(e.TimeZone),
		checkNotify(e.Notify)}
	errs = append(errs, checkAttendees(e.Attendees)...)
	return payload.Invalid("calendar", errs)
}

// Validate checks the change. Errors are [providers.KindInvalidInput].
func (c *EventChange) Validate() error {
	errs := []error{payload.ID("eventId", c.EventID, true), payload.Zone(c.TimeZone), checkNotify(c.Notify),
		payload.Move(c.Start, c.End, MaxDuration)}
	if c.Summary != nil {
		errs = append(errs, payload.Text("summary", *c.Summary, MaxSummary, true))
	}
	if c.Description != nil {
		errs = append(errs, payload.Text("description", *c.Description, MaxDescription, false))
	}
	if c.Location != nil {
		errs = append(errs, payload.Text("location", *c.Location, MaxLocation, false))
	}
	errs = append(errs, checkAttendees(c.Attendees)...)
	return payload.Invalid("calendar", errs)
}

// Validate checks the cancellation. Errors are
// [providers.KindInvalidInput].
func (c *EventCancellation) Validate() error {
	return payload.Invalid("calendar", []error{payload.ID("eventId", c.EventID, true),
		payload.Text("comment", c.Comment, MaxDescription, false), checkNotify(c.Notify)})
}

func checkNotify(n Notify) error {
	if !n.Valid() {
		return fmt.Errorf("notify %q is not all, externalOnly or none", n)
	}
	return nil
}

func checkAttendees(list []Attendee) []error {
	emails := make([]string, len(list))
	var errs []error
	for i, a := range list {
		emails[i] = a.Email
		if utf8.RuneCountInString(a.Name) > MaxName {
			errs = append(errs, fmt.Errorf("attendee %q has a name longer than %d characters", a.Email, MaxName))
		}
	}
	return append(payload.Emails("attendee", emails, MaxAttendees), errs...)
}

// ValidTimeZone reports whether tz names an IANA time zone ("UTC",
// "Europe/Paris"). The empty string and "Local" are not time zones.
func ValidTimeZone(tz string) bool { return payload.ValidTimeZone(tz) }
