package microsoft

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/meeting"
)

// apiMeeting is Graph's onlineMeeting resource, the fields used.
type apiMeeting struct {
	ID                    string               `json:"id,omitempty"`
	ExternalID            string               `json:"externalId,omitempty"`
	Subject               *string              `json:"subject,omitempty"`
	StartDateTime         string               `json:"startDateTime,omitempty"`
	EndDateTime           string               `json:"endDateTime,omitempty"`
	JoinWebURL            string               `json:"joinWebUrl,omitempty"`
	Participants          *participants        `json:"participants,omitempty"`
	JoinMeetingIDSettings *joinMeetingSettings `json:"joinMeetingIdSettings,omitempty"`
}

type participants struct {
	Attendees []participant `json:"attendees"`
}

type participant struct {
	UPN  string `json:"upn"`
	Role string `json:"role"`
}

type joinMeetingSettings struct {
	JoinMeetingID string `json:"joinMeetingId"`
	Passcode      string `json:"passcode"`
}

// MeetingCreate implements [meeting.Handler] (POST
// {mailbox}/onlineMeetings). A meeting with an ID (the idempotency key)
// goes through createOrGet with an externalId derived from it, which
// returns the meeting created first when a create is retried. Teams
// meetings have no agenda: Agenda is not sent.
func (c *session) MeetingCreate(ctx context.Context, m *meeting.Meeting) (*meeting.Receipt, error) {
	tz := httpapi.Or(m.TimeZone, c.st.timeZone)
	body := &apiMeeting{Subject: &m.Topic, StartDateTime: offsetTime(m.Start, tz), EndDateTime: offsetTime(m.End, tz)}
	if len(m.Attendees) > 0 {
		body.Participants = &participants{}
		for _, a := range m.Attendees {
			body.Participants.Attendees = append(body.Participants.Attendees, participant{UPN: a, Role: "attendee"})
		}
	}
	target := c.st.userURL("/onlineMeetings")
	if m.ID != "" {
		body.ExternalID = TransactionID(m.ID)
		target += "/createOrGet"
	}
	var out apiMeeting
	if err := c.JSON(ctx, http.MethodPost, target, body, &out); err != nil {
		return nil, err
	}
	return meetingReceipt(&out), nil
}

// MeetingUpdate implements [meeting.Handler] (PATCH
// {mailbox}/onlineMeetings/{id}).
func (c *session) MeetingUpdate(ctx context.Context, ch *meeting.Change) (*meeting.Receipt, error) {
	body := &apiMeeting{Subject: ch.Topic}
	if ch.Start != nil {
		tz := httpapi.Or(ch.TimeZone, c.st.timeZone)
		body.StartDateTime, body.EndDateTime = offsetTime(*ch.Start, tz), offsetTime(*ch.End, tz)
	}
	var out apiMeeting
	if err := c.JSON(ctx, http.MethodPatch, c.meetingURL(ch.MeetingID), body, &out); err != nil {
		return nil, err
	}
	return meetingReceipt(&out), nil
}

// MeetingDelete implements [meeting.Handler] (DELETE
// {mailbox}/onlineMeetings/{id}, 204).
func (c *session) MeetingDelete(ctx context.Context, d *meeting.Deletion) (*meeting.DeleteReceipt, error) {
	if err := c.JSON(ctx, http.MethodDelete, c.meetingURL(d.MeetingID), nil, nil); err != nil {
		return nil, err
	}
	return &meeting.DeleteReceipt{MeetingID: d.MeetingID}, nil
}

func (c *session) meetingURL(id string) string {
	return c.st.userURL("/onlineMeetings/" + url.PathEscape(id))
}

// offsetTime is t in zone tz as RFC 3339, the form of startDateTime.
func offsetTime(t time.Time, tz string) string {
	if loc, err := time.LoadLocation(tz); err == nil {
		t = t.In(loc)
	}
	return t.Format(time.RFC3339)
}

func meetingReceipt(m *apiMeeting) *meeting.Receipt {
	r := &meeting.Receipt{MeetingID: m.ID, JoinURL: m.JoinWebURL}
	r.Start, _ = time.Parse(time.RFC3339Nano, m.StartDateTime)
	r.End, _ = time.Parse(time.RFC3339Nano, m.EndDateTime)
	r.Start, r.End = r.Start.UTC(), r.End.UTC()
	if m.JoinMeetingIDSettings != nil {
		r.Passcode = m.JoinMeetingIDSettings.Passcode
	}
	return r
}
