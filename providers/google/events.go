package google

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"

	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// apiEvent is the Calendar API's Event resource, the fields used.
type apiEvent struct {
	ID             string          `json:"id,omitempty"`
	Status         string          `json:"status,omitempty"`
	HTMLLink       string          `json:"htmlLink,omitempty"`
	ICalUID        string          `json:"iCalUID,omitempty"`
	Summary        *string         `json:"summary,omitempty"`
	Description    *string         `json:"description,omitempty"`
	Location       *string         `json:"location,omitempty"`
	Start          *apiTime        `json:"start,omitempty"`
	End            *apiTime        `json:"end,omitempty"`
	Attendees      []apiAttendee   `json:"attendees,omitempty"`
	HangoutLink    string          `json:"hangoutLink,omitempty"`
	ConferenceData *conferenceData `json:"conferenceData,omitempty"`
}

type apiTime struct {
	DateTime string `json:"dateTime,omitempty"`
	TimeZone string `json:"timeZone,omitempty"`
}

type apiAttendee struct {
	Email       string `json:"email"`
	DisplayName string `json:"displayName,omitempty"`
	Optional    bool   `json:"optional,omitempty"`
}

// conferenceData asks for a Google Meet link (createRequest) and carries
// the link back (entryPoints).
type conferenceData struct {
	CreateRequest *createRequest `json:"createRequest,omitempty"`
	EntryPoints   []struct {
		EntryPointType string `json:"entryPointType"`
		URI            string `json:"uri"`
	} `json:"entryPoints,omitempty"`
}

type createRequest struct {
	RequestID             string      `json:"requestId"`
	ConferenceSolutionKey solutionKey `json:"conferenceSolutionKey"`
}

type solutionKey struct {
	Type string `json:"type"`
}

// EventCreate implements [calendar.Handler] with events.insert. An event
// with an ID (the idempotency key) is created with an event ID derived from
// it, so that a retried create finds Google's 409 duplicate and returns
// the event created first.
func (c *session) EventCreate(ctx context.Context, e *calendar.Event) (*calendar.EventReceipt, error) {
	tz := httpapi.Or(e.TimeZone, c.st.timeZone)
	body := &apiEvent{Summary: &e.Summary, Description: nonEmpty(e.Description), Location: nonEmpty(e.Location),
		Start: when(e.Start, tz), End: when(e.End, tz), Attendees: attendees(e.Attendees)}
	if e.ID != "" {
		body.ID = EventID(e.ID)
	}
	q := c.notify(e.Notify)
	if e.OnlineMeeting {
		body.ConferenceData = meetRequest(httpapi.Or(body.ID, randomID()))
		q.Set("conferenceDataVersion", "1")
	}
	var out apiEvent
	err := c.JSON(ctx, http.MethodPost, c.st.calendarURL("/events")+"?"+q.Encode(), body, &out)
	if httpapi.StatusCode(err) == http.StatusConflict && body.ID != "" {
		err = c.JSON(ctx, http.MethodGet, c.eventURL(body.ID, nil), nil, &out)
	}
	if err != nil {
		return nil, err
	}
	return receipt(&out), nil
}

// EventUpdate implements [calendar.Handler] with events.patch: only the
// fields changed are sent.
func (c *session) EventUpdate(ctx context.Context, ch *calendar.EventChange) (*calendar.EventReceipt, error) {
	body := &apiEvent{Summary: ch.Summary, Description: ch.Description, Location: ch.Location,
		Attendees: attendees(ch.Attendees)}
	if ch.Start != nil {
		tz := httpapi.Or(ch.TimeZone, c.st.timeZone)
		body.Start, body.End = when(*ch.Start, tz), when(*ch.End, tz)
	}
	var out apiEvent
	if err := c.JSON(ctx, http.MethodPatch, c.eventURL(ch.EventID, c.notify(ch.Notify)), body, &out); err != nil {
		return nil, err
	}
	return receipt(&out), nil
}

// EventCancel implements [calendar.Handler] with events.delete, which
// emails the attendees a cancellation as sendUpdates says. Google's 410
// ("deleted") means the event was cancelled already: a retried
// cancellation succeeds.
func (c *session) EventCancel(ctx context.Context, x *calendar.EventCancellation) (*calendar.CancelReceipt, error) {
	err := c.JSON(ctx, http.MethodDelete, c.eventURL(x.EventID, c.notify(x.Notify)), nil, nil)
	if httpapi.StatusCode(err) == http.StatusGone {
		return &calendar.CancelReceipt{EventID: x.EventID, AlreadyCancelled: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return &calendar.CancelReceipt{EventID: x.EventID}, nil
}

func (c *session) eventURL(id string, q url.Values) string {
	u := c.st.calendarURL("/events/" + url.PathEscape(id))
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// notify is the sendUpdates parameter: the call's choice or the
// integration's.
func (c *session) notify(n calendar.Notify) url.Values {
	if n == "" {
		n = c.st.notify
	}
	return url.Values{"sendUpdates": {string(n)}}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// when is a time in the Calendar API's form: RFC 3339 in zone tz, and the
// zone's name.
func when(t time.Time, tz string) *apiTime {
	if loc, err := time.LoadLocation(tz); err == nil {
		t = t.In(loc)
	}
	return &apiTime{DateTime: t.Format(time.RFC3339), TimeZone: tz}
}

func attendees(list []calendar.Attendee) []apiAttendee {
	var out []apiAttendee
	for _, a := range list {
		out = append(out, apiAttendee{Email: a.Email, DisplayName: a.Name, Optional: a.Optional})
	}
	return out
}

func meetRequest(requestID string) *conferenceData {
	return &conferenceData{CreateRequest: &createRequest{RequestID: requestID,
		ConferenceSolutionKey: solutionKey{Type: "hangoutsMeet"}}}
}

func receipt(e *apiEvent) *calendar.EventReceipt {
	r := &calendar.EventReceipt{EventID: e.ID, Status: e.Status, WebLink: e.HTMLLink, ICalUID: e.ICalUID,
		JoinURL: e.HangoutLink}
	if e.Start != nil {
		r.Start, _ = time.Parse(time.RFC3339, e.Start.DateTime)
	}
	if e.End != nil {
		r.End, _ = time.Parse(time.RFC3339, e.End.DateTime)
	}
	if r.JoinURL == "" && e.ConferenceData != nil {
		for _, ep := range e.ConferenceData.EntryPoints {
			if ep.EntryPointType == "video" {
				r.JoinURL = ep.URI
			}
		}
	}
	return r
}

// base32hex is the alphabet of Google event IDs: 0-9 and a-v.
var base32hex = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// EventID is the Google event ID [Provider] gives an event whose
// idempotency key is key: the base32hex SHA-256 of the key, 52 characters
// of the alphabet Google accepts in client-chosen IDs (a-v, 0-9).
func EventID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base32hex.EncodeToString(sum[:])
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
