package microsoft

import (
	"context"
	"net/http"
	"strings"

	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// availabilityInterval is the getSchedule availabilityViewInterval asked
// for, in minutes; the busy intervals come from scheduleItems, not from
// this view.
const availabilityInterval = 30

type scheduleRequest struct {
	Schedules                []string      `json:"schedules"`
	StartTime                *dateTimeZone `json:"startTime"`
	EndTime                  *dateTimeZone `json:"endTime"`
	AvailabilityViewInterval int           `json:"availabilityViewInterval"`
}

type scheduleResponse struct {
	Value []struct {
		ScheduleID    string `json:"scheduleId"`
		ScheduleItems []struct {
			Status string        `json:"status"`
			Start  *dateTimeZone `json:"start"`
			End    *dateTimeZone `json:"end"`
		} `json:"scheduleItems"`
		Error *struct {
			Message      string `json:"message"`
			ResponseCode string `json:"responseCode"`
		} `json:"error"`
	} `json:"value"`
}

// FreeBusyQuery implements [calendar.Handler] with getSchedule (POST
// {mailbox}/calendar/getSchedule), the calendars being mailboxes' email
// addresses. Free items are left out; the others keep Graph's status,
// lower case (busy, tentative, oof, workingelsewhere). A mailbox Graph
// cannot read comes back with its responseCode in CalendarBusy.Error.
func (c *session) FreeBusyQuery(ctx context.Context, r *calendar.FreeBusyRequest) (*calendar.FreeBusy, error) {
	body := &scheduleRequest{Schedules: r.Calendars, StartTime: wallClock(r.Start, "UTC"),
		EndTime: wallClock(r.End, "UTC"), AvailabilityViewInterval: availabilityInterval}
	var out scheduleResponse
	if err := c.JSON(ctx, http.MethodPost, c.st.userURL("/calendar/getSchedule"), body, &out); err != nil {
		return nil, err
	}
	fb := &calendar.FreeBusy{Calendars: make([]calendar.CalendarBusy, 0, len(r.Calendars))}
	for _, id := range r.Calendars {
		cb := calendar.CalendarBusy{Calendar: id, Busy: []calendar.BusyInterval{}, Error: "missing"}
		for _, v := range out.Value {
			if !strings.EqualFold(v.ScheduleID, id) {
				continue
			}
			cb.Error = ""
			if v.Error != nil {
				cb.Error = httpapi.Or(v.Error.ResponseCode, v.Error.Message)
			}
			for _, it := range v.ScheduleItems {
				if status := strings.ToLower(it.Status); status != "free" {
					cb.Busy = append(cb.Busy, calendar.BusyInterval{Start: parseWallClock(it.Start),
						End: parseWallClock(it.End), Status: status})
				}
			}
		}
		fb.Calendars = append(fb.Calendars, cb)
	}
	return fb, nil
}
