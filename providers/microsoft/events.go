package microsoft

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"

	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// apiEvent is Graph's event resource, the fields used.
type apiEvent struct {
	ID                    string         `json:"id,omitempty"`
	ICalUID               string         `json:"iCalUId,omitempty"`
	WebLink               string         `json:"webLink,omitempty"`
	IsCancelled           bool           `json:"isCancelled,omitempty"`
	Subject               *string        `json:"subject,omitempty"`
	Body                  *itemBody      `json:"body,omitempty"`
	Location              *location      `json:"location,omitempty"`
	Start                 *dateTimeZone  `json:"start,omitempty"`
	End                   *dateTimeZone  `json:"end,omitempty"`
	Attendees             []apiAttendee  `json:"attendees,omitempty"`
	IsOnlineMeeting       bool           `json:"isOnlineMeeting,omitempty"`
	OnlineMeetingProvider string         `json:"onlineMeetingProvider,omitempty"`
	OnlineMeeting         *onlineMeeting `json:"onlineMeeting,omitempty"`
	TransactionID         string         `json:"transactionId,omitempty"`
}

type itemBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

type location struct {
	DisplayName string `json:"displayName"`
}

// dateTimeZone is Graph's dateTimeTimeZone: a wall-clock time without
// offset, and the zone it is in.
type dateTimeZone struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

type apiAttendee struct {
	EmailAddress emailAddress `json:"emailAddress"`
	Type         string       `json:"type"`
}

type emailAddress struct {
	Address string `json:"address"`
	Name    string `json:"name,omitempty"`
}

type onlineMeeting struct {
	JoinURL string `json:"joinUrl"`
}

// EventCreate implements [calendar.Handler] (POST {mailbox}/events). Graph
// sends the invitations itself. An event with an ID (the idempotency key)
// carries a transactionId derived from it, which Graph documents for
// avoiding a second event when a create is retried. OnlineMeeting makes it
// a Teams meeting.
func (c *session) EventCreate(ctx context.Context, e *calendar.Event) (*calendar.EventReceipt, error) {
	tz := httpapi.Or(e.TimeZone, c.st.timeZone)
	body := &apiEvent{Subject: &e.Summary, Start: wallClock(e.Start, tz), End: wallClock(e.End, tz),
		Attendees: attendees(e.Attendees)}
	if e.Description != "" {
		body.Body = &itemBody{ContentType: "text", Content: e.Description}
	}
	if e.Location != "" {
		body.Location = &location{DisplayName: e.Location}
	}
	if e.OnlineMeeting {
		body.IsOnlineMeeting, body.OnlineMeetingProvider = true, "teamsForBusiness"
	}
	if e.ID != "" {
		body.TransactionID = TransactionID(e.ID)
	}
	var out apiEvent
	if err := c.JSON(ctx, http.MethodPost, c.st.userURL("/events"), body, &out); err != nil {
		return nil, err
	}
	return receipt(&out), nil
}

// EventUpdate implements [calendar.Handler] (PATCH {mailbox}/events/{id}):
// only the fields changed are sent; Graph notifies the attendees.
func (c *session) EventUpdate(ctx context.Context, ch *calendar.EventChange) (*calendar.EventReceipt, error) {
	body := &apiEvent{Subject: ch.Summary, Attendees: attendees(ch.Attendees)}
	if ch.Description != nil {
		body.Body = &itemBody{ContentType: "text", Content: *ch.Description}
	}
	if ch.Location != nil {
		body.Location = &location{DisplayName: *ch.Location}
	}
	if ch.Start != nil {
		tz := httpapi.Or(ch.TimeZone, c.st.timeZone)
		body.Start, body.End = wallClock(*ch.Start, tz), wallClock(*ch.End, tz)
	}
	var out apiEvent
	if err := c.JSON(ctx, http.MethodPatch, c.eventURL(ch.EventID, ""), body, &out); err != nil {
		return nil, err
	}
	return receipt(&out), nil
}

// EventCancel implements [calendar.Handler] with the cancel action (POST
// {mailbox}/events/{id}/cancel, 202), which sends the attendees the
// cancellation with the comment. Only the organizer can cancel; Graph
// answers 404 for an event cancelled already.
func (c *session) EventCancel(ctx context.Context, x *calendar.EventCancellation) (*calendar.CancelReceipt, error) {
	body := map[string]string{"comment": x.Comment}
	if err := c.JSON(ctx, http.MethodPost, c.eventURL(x.EventID, "/cancel"), body, nil); err != nil {
		return nil, err
	}
	return &calendar.CancelReceipt{EventID: x.EventID}, nil
}

func (c *session) eventURL(id, suffix string) string {
	return c.st.userURL("/events/" + url.PathEscape(id) + suffix)
}

// graphLayout is the form of dateTimeTimeZone.dateTime. Graph answers with
// seven fractional digits, which parsing accepts.
const graphLayout = "2006-01-02T15:04:05"

// wallClock is t as Graph takes it: the wall-clock time in zone tz (an
// IANA name, which Graph accepts besides Windows names).
func wallClock(t time.Time, tz string) *dateTimeZone {
	if loc, err := time.LoadLocation(tz); err == nil {
		t = t.In(loc)
	}
	return &dateTimeZone{DateTime: t.Format(graphLayout), TimeZone: tz}
}

// parseWallClock reads a dateTimeTimeZone; Graph answers in UTC, as asked
// by the Prefer header.
func parseWallClock(d *dateTimeZone) time.Time {
	if d == nil {
		return time.Time{}
	}
	loc := time.UTC
	if l, err := time.LoadLocation(d.TimeZone); err == nil && d.TimeZone != "" {
		loc = l
	}
	t, err := time.ParseInLocation(graphLayout, d.DateTime, loc)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func attendees(list []calendar.Attendee) []apiAttendee {
	var out []apiAttendee
	for _, a := range list {
		typ := "required"
		if a.Optional {
			typ = "optional"
		}
		out = append(out, apiAttendee{EmailAddress: emailAddress{Address: a.Email, Name: a.Name}, Type: typ})
	}
	return out
}

func receipt(e *apiEvent) *calendar.EventReceipt {
	r := &calendar.EventReceipt{EventID: e.ID, Status: "confirmed", WebLink: e.WebLink, ICalUID: e.ICalUID,
		Start: parseWallClock(e.Start), End: parseWallClock(e.End)}
	if e.IsCancelled {
		r.Status = "cancelled"
	}
	if e.OnlineMeeting != nil {
		r.JoinURL = e.OnlineMeeting.JoinURL
	}
	return r
}

// TransactionID is the Graph transactionId [Provider] gives an event whose
// idempotency key is key: a hex SHA-256 of the key, so that any key fits.
func TransactionID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
