package google

import (
	"context"
	"net/http"
	"time"

	"github.com/intimeos/integrations/providers/calendar"
)

// freeBusyRequest and freeBusyResponse are the Calendar API's freebusy.query
// body and answer.
type freeBusyRequest struct {
	TimeMin string         `json:"timeMin"`
	TimeMax string         `json:"timeMax"`
	Items   []freeBusyItem `json:"items"`
}

type freeBusyItem struct {
	ID string `json:"id"`
}

type freeBusyResponse struct {
	Calendars map[string]struct {
		Busy []struct {
			Start string `json:"start"`
			End   string `json:"end"`
		} `json:"busy"`
		Errors []struct {
			Domain string `json:"domain"`
			Reason string `json:"reason"`
		} `json:"errors"`
	} `json:"calendars"`
}

// FreeBusyQuery implements [calendar.Handler] with freebusy.query (POST
// /calendar/v3/freeBusy). A calendar Google cannot read ("notFound") comes
// back with its reason in CalendarBusy.Error.
func (c *session) FreeBusyQuery(ctx context.Context, r *calendar.FreeBusyRequest) (*calendar.FreeBusy, error) {
	body := &freeBusyRequest{TimeMin: r.Start.UTC().Format(time.RFC3339), TimeMax: r.End.UTC().Format(time.RFC3339)}
	for _, id := range r.Calendars {
		body.Items = append(body.Items, freeBusyItem{ID: id})
	}
	var out freeBusyResponse
	if err := c.JSON(ctx, http.MethodPost, c.st.base.String()+"/calendar/v3/freeBusy", body, &out); err != nil {
		return nil, err
	}
	fb := &calendar.FreeBusy{Calendars: make([]calendar.CalendarBusy, 0, len(r.Calendars))}
	for _, id := range r.Calendars {
		cb := calendar.CalendarBusy{Calendar: id, Busy: []calendar.BusyInterval{}}
		got, ok := out.Calendars[id]
		switch {
		case !ok:
			cb.Error = "missing"
		case len(got.Errors) > 0:
			cb.Error = got.Errors[0].Reason
		}
		for _, b := range got.Busy {
			start, err1 := time.Parse(time.RFC3339, b.Start)
			end, err2 := time.Parse(time.RFC3339, b.End)
			if err1 == nil && err2 == nil {
				cb.Busy = append(cb.Busy, calendar.BusyInterval{Start: start.UTC(), End: end.UTC(), Status: "busy"})
			}
		}
		fb.Calendars = append(fb.Calendars, cb)
	}
	return fb, nil
}
