package calendar

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers/internal/payload"
)

// Limits of a free/busy query: Microsoft Graph's getSchedule takes at most
// 20 schedules over less than 42 days.
const (
	MaxFreeBusyCalendars = 20
	MaxFreeBusyRange     = 42 * 24 * time.Hour
	// MaxCalendarID bounds a calendar ID (an email address, or Google's
	// "primary").
	MaxCalendarID = 254
)

// FreeBusyRequest asks when calendars are busy.
type FreeBusyRequest struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Calendars are the calendars (Google: calendar IDs, "primary" for the
	// connected account's) or mailboxes (Microsoft: email addresses) to
	// read, 1 to [MaxFreeBusyCalendars].
	Calendars []string `json:"calendars"`
}

// FreeBusy is the busy time of each calendar asked for, in the order
// asked.
type FreeBusy struct {
	Calendars []CalendarBusy `json:"calendars"`
}

// CalendarBusy is one calendar's busy intervals, or why it could not be
// read.
type CalendarBusy struct {
	Calendar string         `json:"calendar"`
	Busy     []BusyInterval `json:"busy"`
	// Error is the provider's reason this calendar could not be read
	// ("notFound"); Busy is then empty and means nothing.
	Error string `json:"error,omitempty"`
}

// BusyInterval is a time the calendar is not free.
type BusyInterval struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Status is the provider's kind of busy, lower case: "busy",
	// "tentative", "oof" (out of office), "workingelsewhere". Google says
	// only "busy".
	Status string `json:"status"`
}

// Validate checks the request. Errors are [providers.KindInvalidInput].
func (r *FreeBusyRequest) Validate() error {
	var errs []error
	switch {
	case r.Start.IsZero() || r.End.IsZero():
		errs = append(errs, errors.New("start and end are required"))
	case !r.End.After(r.Start):
		errs = append(errs, errors.New("end must be after start"))
	case r.End.Sub(r.Start) > MaxFreeBusyRange:
		errs = append(errs, fmt.Errorf("the range is longer than %d days", int(MaxFreeBusyRange.Hours()/24)))
	}
	switch n := len(r.Calendars); {
	case n == 0:
		errs = append(errs, errors.New("at least one calendar is required"))
	case n > MaxFreeBusyCalendars:
		errs = append(errs, fmt.Errorf("%d calendars, more than %d", n, MaxFreeBusyCalendars))
	}
	seen := map[string]bool{}
	for _, c := range r.Calendars {
		if len(c) > MaxCalendarID || payload.ID("calendar", c, true) != nil {
			errs = append(errs, fmt.Errorf("calendar %q is not a calendar ID", c))
		}
		if seen[strings.ToLower(c)] {
			errs = append(errs, fmt.Errorf("calendar %q is listed twice", c))
		}
		seen[strings.ToLower(c)] = true
	}
	return payload.Invalid("calendar", errs)
}
