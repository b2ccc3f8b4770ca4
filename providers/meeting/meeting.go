package meeting

import (
	"time"

	"github.com/intimeos/integrations/providers/internal/payload"
)

// Limits of a meeting, within what Zoom and Microsoft Teams both accept.
const (
	// MaxTopic is Zoom's limit on a topic.
	MaxTopic = 200
	// MaxAgenda is Zoom's limit on an agenda.
	MaxAgenda    = 2000
	MaxAttendees = 100
	// MaxDuration is the longest meeting.
	MaxDuration = 24 * time.Hour
	// MaxID bounds meeting IDs and idempotency keys, in bytes.
	MaxID = payload.MaxID
)

// Meeting is an interview meeting to schedule.
type Meeting struct {
	// ID identifies the meeting across attempts and failover; it becomes
	// the operation's IdempotencyKey. Optional.
	ID     string `json:"id,omitempty"`
	Topic  string `json:"topic"`
	Agenda string `json:"agenda,omitempty"`
	// Start and End are the meeting's time; End is after Start, at most
	// [MaxDuration] later.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// TimeZone is the IANA zone the meeting is shown in; empty means the
	// integration's.
	TimeZone string `json:"timeZone,omitempty"`
	// Attendees are the participants' email addresses (Teams lets them
	// bypass the lobby; Zoom registers them as invitees). Optional.
	Attendees []string `json:"attendees,omitempty"`
}

// Receipt is the provider's meeting after a create or an update.
type Receipt struct {
	// MeetingID is the provider's ID, for updates and deletion.
	MeetingID string `json:"meetingId"`
	// JoinURL is the link participants join by.
	JoinURL string `json:"joinUrl"`
	// Passcode is the meeting's passcode, if it has one.
	Passcode string    `json:"passcode,omitempty"`
	Start    time.Time `json:"start,omitzero"`
	End      time.Time `json:"end,omitzero"`
}

// Change is an update of a meeting: the fields set are changed, the others
// kept.
type Change struct {
	MeetingID string  `json:"meetingId"`
	Topic     *string `json:"topic,omitempty"`
	Agenda    *string `json:"agenda,omitempty"`
	// Start and End move the meeting; both or neither are set.
	Start    *time.Time `json:"start,omitempty"`
	End      *time.Time `json:"end,omitempty"`
	TimeZone string     `json:"timeZone,omitempty"`
}

// Deletion deletes a meeting.
type Deletion struct {
	MeetingID string `json:"meetingId"`
}

// DeleteReceipt acknowledges a deletion.
type DeleteReceipt struct {
	MeetingID string `json:"meetingId"`
}

// Validate checks the meeting. Errors are [providers.KindInvalidInput].
func (m *Meeting) Validate() error {
	errs := []error{payload.Text("topic", m.Topic, MaxTopic, true), payload.Text("agenda", m.Agenda, MaxAgenda, false),
		payload.ID("id", m.ID, false), payload.Times(m.Start, m.End, MaxDuration), payload.Zone(m.TimeZone)}
	errs = append(errs, payload.Emails("attendee", m.Attendees, MaxAttendees)...)
	return payload.Invalid("meeting", errs)
}

// Validate checks the change. Errors are [providers.KindInvalidInput].
func (c *Change) Validate() error {
	errs := []error{payload.ID("meetingId", c.MeetingID, true), payload.Zone(c.TimeZone),
		payload.Move(c.Start, c.End, MaxDuration)}
	if c.Topic != nil {
		errs = append(errs, payload.Text("topic", *c.Topic, MaxTopic, true))
	}
	if c.Agenda != nil {
		errs = append(errs, payload.Text("agenda", *c.Agenda, MaxAgenda, false))
	}
	return payload.Invalid("meeting", errs)
}

// Validate checks the deletion. Errors are [providers.KindInvalidInput].
func (d *Deletion) Validate() error {
	return payload.Invalid("meeting", []error{payload.ID("meetingId", d.MeetingID, true)})
}
