package zoom

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/meeting"
)

// scheduledMeeting is Zoom's meeting type 2, a meeting at a set time.
const scheduledMeeting = 2

// apiMeeting is Zoom's meeting object, the fields used. start_url, the
// host's link, is a credential: it is not read.
type apiMeeting struct {
	ID        int64        `json:"id,omitempty"`
	Topic     *string      `json:"topic,omitempty"`
	Type      int          `json:"type,omitempty"`
	StartTime string       `json:"start_time,omitempty"`
	Duration  int          `json:"duration,omitempty"`
	Timezone  string       `json:"timezone,omitempty"`
	Agenda    *string      `json:"agenda,omitempty"`
	JoinURL   string       `json:"join_url,omitempty"`
	Password  string       `json:"password,omitempty"`
	Settings  *apiSettings `json:"settings,omitempty"`
}

type apiSettings struct {
	JoinBeforeHost  bool      `json:"join_before_host"`
	WaitingRoom     bool      `json:"waiting_room"`
	MeetingInvitees []invitee `json:"meeting_invitees,omitempty"`
}

type invitee struct {
	Email string `json:"email"`
}

// zoomTime is the form of start_time: UTC with a Z.
const zoomTime = "2006-01-02T15:04:05Z"

// MeetingCreate implements [meeting.Handler] (POST
// /v2/users/{userId}/meetings, 201): a scheduled meeting whose duration is
// End - Start rounded up to minutes, the attendees as invitees, the
// integration's waiting room setting. Zoom has no idempotency key: a
// retried create may schedule a second meeting.
func (c *session) MeetingCreate(ctx context.Context, m *meeting.Meeting) (*meeting.Receipt, error) {
	body := &apiMeeting{Topic: &m.Topic, Type: scheduledMeeting, StartTime: m.Start.UTC().Format(zoomTime),
		Duration: minutes(m.End.Sub(m.Start)), Timezone: httpapi.Or(m.TimeZone, c.st.timeZone),
		Settings: &apiSettings{WaitingRoom: c.st.waitingRoom}}
	if m.Agenda != "" {
		body.Agenda = &m.Agenda
	}
	for _, a := range m.Attendees {
		body.Settings.MeetingInvitees = append(body.Settings.MeetingInvitees, invitee{Email: a})
	}
	var out apiMeeting
	if err := c.JSON(ctx, http.MethodPost, c.st.apiURL("/users/"+url.PathEscape(c.st.userID)+"/meetings"), body, &out); err != nil {
		return nil, err
	}
	return receipt(&out), nil
}

// MeetingUpdate implements [meeting.Handler] (PATCH /v2/meetings/{id},
// 204), then reads the meeting back (GET /v2/meetings/{id}) for the
// receipt.
func (c *session) MeetingUpdate(ctx context.Context, ch *meeting.Change) (*meeting.Receipt, error) {
	id, err := meetingID(ch.MeetingID)
	if err != nil {
		return nil, err
	}
	body := &apiMeeting{Topic: ch.Topic, Agenda: ch.Agenda}
	if ch.Start != nil {
		body.StartTime, body.Duration = ch.Start.UTC().Format(zoomTime), minutes(ch.End.Sub(*ch.Start))
		body.Timezone = ch.TimeZone
	}
	if err := c.JSON(ctx, http.MethodPatch, c.st.apiURL("/meetings/"+id), body, nil); err != nil {
		return nil, err
	}
	var out apiMeeting
	if err := c.JSON(ctx, http.MethodGet, c.st.apiURL("/meetings/"+id), nil, &out); err != nil {
		return nil, err
	}
	return receipt(&out), nil
}

// MeetingDelete implements [meeting.Handler] (DELETE /v2/meetings/{id},
// 204).
func (c *session) MeetingDelete(ctx context.Context, d *meeting.Deletion) (*meeting.DeleteReceipt, error) {
	id, err := meetingID(d.MeetingID)
	if err != nil {
		return nil, err
	}
	if err := c.JSON(ctx, http.MethodDelete, c.st.apiURL("/meetings/"+id), nil, nil); err != nil {
		return nil, err
	}
	return &meeting.DeleteReceipt{MeetingID: d.MeetingID}, nil
}

var digits = regexp.MustCompile(`^[0-9]{9,12}$`)

// meetingID checks a Zoom meeting ID: 9 to 12 digits.
func meetingID(id string) (string, error) {
	if !digits.MatchString(id) {
		return "", httpapi.Invalid(Name, "meeting", "meeting ID must be 9 to 12 digits")
	}
	return id, nil
}

func minutes(d time.Duration) int {
	return int((d + time.Minute - 1) / time.Minute)
}

func receipt(m *apiMeeting) *meeting.Receipt {
	r := &meeting.Receipt{MeetingID: strconv.FormatInt(m.ID, 10), JoinURL: m.JoinURL, Passcode: m.Password}
	if t, err := time.Parse(time.RFC3339, m.StartTime); err == nil {
		r.Start = t.UTC()
		r.End = r.Start.Add(time.Duration(m.Duration) * time.Minute)
	}
	return r
}
