package calendar_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/calendar"
)

// diary is a calendar provider that keeps events in memory.
type diary struct {
	providers.UnimplementedProvider
	events map[string]*calendar.Event
}

func (d *diary) Do(ctx context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return calendar.Handle(ctx, op, d)
}

func (d *diary) EventCreate(_ context.Context, e *calendar.Event) (*calendar.EventReceipt, error) {
	id := fmt.Sprintf("ev%d", len(d.events)+1)
	if e.ID != "" {
		id = "key-" + e.ID
	}
	d.events[id] = e
	return &calendar.EventReceipt{EventID: id, Status: "confirmed", Start: e.Start, End: e.End}, nil
}

func (d *diary) EventUpdate(_ context.Context, c *calendar.EventChange) (*calendar.EventReceipt, error) {
	e, ok := d.events[c.EventID]
	if !ok {
		return nil, providers.InvalidInput(fmt.Errorf("no event %s", c.EventID))
	}
	if c.Summary != nil {
		e.Summary = *c.Summary
	}
	return &calendar.EventReceipt{EventID: c.EventID, Status: "confirmed"}, nil
}

func (d *diary) EventCancel(_ context.Context, c *calendar.EventCancellation) (*calendar.CancelReceipt, error) {
	delete(d.events, c.EventID)
	return &calendar.CancelReceipt{EventID: c.EventID}, nil
}

func (d *diary) FreeBusyQuery(_ context.Context, r *calendar.FreeBusyRequest) (*calendar.FreeBusy, error) {
	fb := &calendar.FreeBusy{}
	for _, c := range r.Calendars {
		fb.Calendars = append(fb.Calendars, calendar.CalendarBusy{Calendar: c, Busy: []calendar.BusyInterval{}})
	}
	return fb, nil
}

var (
	t0 = time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func setup() (*diary, *providers.Instance) {
	d := &diary{events: map[string]*calendar.Event{}}
	return d, providers.NewInstance("Diary", d, nil, nil)
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	d, inst := setup()
	ctx := t.Context()
	e := &calendar.Event{ID: "int-7", Summary: "Interview", Start: t0, End: t1, TimeZone: "Europe/Paris",
		Attendees: []calendar.Attendee{{Email: "ada@example.com", Name: "Ada"}}, Notify: calendar.NotifyNone}
	rec, err := calendar.EventCreate(ctx, inst, e)
	require.NoError(t, err)
	require.Equal(t, "key-int-7", rec.EventID, "the ID travels as the idempotency key")
	require.Equal(t, e, d.events[rec.EventID], "the event arrives as sent")

	_, err = calendar.EventUpdate(ctx, inst, &calendar.EventChange{EventID: rec.EventID, Summary: new("Panel")})
	require.NoError(t, err)
	require.Equal(t, "Panel", d.events[rec.EventID].Summary)

	c, err := calendar.EventCancel(ctx, inst, &calendar.EventCancellation{EventID: rec.EventID, Comment: "Filled"})
	require.NoError(t, err)
	require.Equal(t, rec.EventID, c.EventID)
	require.Empty(t, d.events)

	fb, err := calendar.FreeBusyQuery(ctx, inst, &calendar.FreeBusyRequest{Start: t0, End: t1, Calendars: []string{"primary", "a@example.com"}})
	require.NoError(t, err)
	require.Len(t, fb.Calendars, 2)

	// A provider takes the operation's key when the event has no ID.
	res, err := d.Do(ctx, nil, &providers.Operation{Name: calendar.OpEventCreate, IdempotencyKey: "k9",
		Payload: json.RawMessage(`{"summary":"S","start":"2030-03-04T15:00:00Z","end":"2030-03-04T16:00:00Z"}`)})
	require.NoError(t, err)
	require.JSONEq(t, `{"eventId":"key-k9","status":"confirmed","start":"2030-03-04T15:00:00Z","end":"2030-03-04T16:00:00Z"}`, string(res.Payload))
}

func TestHandleRefuses(t *testing.T) {
	t.Parallel()
	d, _ := setup()
	for _, o := range []*providers.Operation{
		{Name: calendar.OpEventCreate, Payload: json.RawMessage(`[`)},
		{Name: calendar.OpEventCreate, Payload: json.RawMessage(`{"summary":"x"}`)},
		{Name: calendar.OpEventUpdate, Payload: json.RawMessage(`{}`)},
		{Name: calendar.OpEventCancel},
		{Name: calendar.OpFreeBusy, Payload: json.RawMessage(`{"calendars":["a@example.com"]}`)},
	} {
		_, err := d.Do(t.Context(), nil, o)
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "%s %s", o.Name, o.Payload)
	}
	require.Empty(t, d.events)
	for _, o := range []*providers.Operation{nil, {Name: "meeting.create"}} {
		_, err := d.Do(t.Context(), nil, o)
		require.ErrorIs(t, err, providers.ErrUnsupported)
	}
	require.True(t, calendar.IsOperation(calendar.OpFreeBusy))
	require.False(t, calendar.IsOperation("email.send"))
	ops := calendar.Operations()
	ops[0] = "changed"
	require.Equal(t, calendar.OpEventCreate, calendar.Operations()[0], "a copy")
}

func TestEventValidate(t *testing.T) {
	t.Parallel()
	good := func() *calendar.Event {
		return &calendar.Event{Summary: "Interview", Start: t0, End: t1,
			Attendees: []calendar.Attendee{{Email: "ada@example.com"}}}
	}
	require.NoError(t, good().Validate())
	for name, tt := range map[string]struct {
		edit func(*calendar.Event)
		want string
	}{
		"no summary":   {func(e *calendar.Event) { e.Summary = " " }, "summary is required"},
		"long summary": {func(e *calendar.Event) { e.Summary = strings.Repeat("é", calendar.MaxSummary+1) }, "summary has 256 characters"},
		"no times":     {func(e *calendar.Event) { e.Start = time.Time{} }, "start and end are required"},
		"backwards":    {func(e *calendar.Event) { e.End = e.Start }, "end must be after start"},
		"too long":     {func(e *calendar.Event) { e.End = e.Start.Add(25 * time.Hour) }, "more than 24h0m0s after start"},
		"bad zone":     {func(e *calendar.Event) { e.TimeZone = "Eastern" }, `time zone "Eastern"`},
		"local zone":   {func(e *calendar.Event) { e.TimeZone = "Local" }, `time zone "Local"`},
		"bad notify":   {func(e *calendar.Event) { e.Notify = "some" }, `notify "some"`},
		"bad attendee": {func(e *calendar.Event) { e.Attendees[0].Email = "Ada <ada@example.com>" }, "is not an email address"},
		"twice": {func(e *calendar.Event) {
			e.Attendees = append(e.Attendees, calendar.Attendee{Email: "ADA@example.com"})
		}, "listed twice"},
		"long name":       {func(e *calendar.Event) { e.Attendees[0].Name = strings.Repeat("n", 256) }, "name longer than 255"},
		"id with space":   {func(e *calendar.Event) { e.ID = "a b" }, "id contains spaces"},
		"many attendees":  {func(e *calendar.Event) { e.Attendees = manyAttendees(calendar.MaxAttendees + 1) }, "101 attendees"},
		"long id":         {func(e *calendar.Event) { e.ID = strings.Repeat("i", calendar.MaxID+1) }, "id is longer than 1024 bytes"},
		"long location":   {func(e *calendar.Event) { e.Location = strings.Repeat("l", calendar.MaxLocation+1) }, "location has"},
		"long descripton": {func(e *calendar.Event) { e.Description = strings.Repeat("d", calendar.MaxDescription+1) }, "description has"},
	} {
		e := good()
		tt.edit(e)
		err := e.Validate()
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), name)
		require.Contains(t, err.Error(), tt.want, name)
		require.Contains(t, err.Error(), "calendar: ", name)
	}
	e := good()
	e.Attendees = manyAttendees(calendar.MaxAttendees)
	e.TimeZone = "America/Argentina/Buenos_Aires"
	require.NoError(t, e.Validate())
}

func manyAttendees(n int) []calendar.Attendee {
	out := make([]calendar.Attendee, n)
	for i := range out {
		out[i].Email = fmt.Sprintf("a%d@example.com", i)
	}
	return out
}

func TestChangeAndCancelValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, (&calendar.EventChange{EventID: "e1"}).Validate())
	require.NoError(t, (&calendar.EventChange{EventID: "e1", Start: &t0, End: &t1, Summary: new("S")}).Validate())
	for _, c := range []*calendar.EventChange{
		{},
		{EventID: "e1", Start: &t0},
		{EventID: "e1", Start: &t1, End: &t0},
		{EventID: "e1", Summary: new("")},
		{EventID: "e1", Location: new(strings.Repeat("l", 300))},
		{EventID: "e1", Description: new(strings.Repeat("d", calendar.MaxDescription+1))},
		{EventID: "e1", Attendees: []calendar.Attendee{{Email: "x"}}},
		{EventID: "e1", TimeZone: "Nowhere/City"},
	} {
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(c.Validate()), "%+v", c)
	}
	require.NoError(t, (&calendar.EventCancellation{EventID: "e1"}).Validate())
	require.Error(t, (&calendar.EventCancellation{EventID: "e\n1"}).Validate())
	require.Error(t, (&calendar.EventCancellation{EventID: "e1", Notify: "x"}).Validate())
}

func TestFreeBusyValidate(t *testing.T) {
	t.Parallel()
	cals := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("c%d@example.com", i)
		}
		return out
	}
	require.NoError(t, (&calendar.FreeBusyRequest{Start: t0, End: t0.Add(calendar.MaxFreeBusyRange), Calendars: cals(calendar.MaxFreeBusyCalendars)}).Validate())
	for name, r := range map[string]*calendar.FreeBusyRequest{
		"no calendars":  {Start: t0, End: t1},
		"too many":      {Start: t0, End: t1, Calendars: cals(calendar.MaxFreeBusyCalendars + 1)},
		"too long":      {Start: t0, End: t0.Add(calendar.MaxFreeBusyRange + time.Second), Calendars: cals(1)},
		"backwards":     {Start: t1, End: t0, Calendars: cals(1)},
		"no times":      {Calendars: cals(1)},
		"twice":         {Start: t0, End: t1, Calendars: []string{"a@example.com", "A@example.com"}},
		"blank":         {Start: t0, End: t1, Calendars: []string{""}},
		"long calendar": {Start: t0, End: t1, Calendars: []string{strings.Repeat("c", calendar.MaxCalendarID+1)}},
	} {
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(r.Validate()), name)
	}
}

func TestValidTimeZone(t *testing.T) {
	t.Parallel()
	for tz, want := range map[string]bool{"UTC": true, "America/New_York": true, "Asia/Kolkata": true,
		"": false, "Local": false, "EST5EDT ": false, "../etc/passwd": false, strings.Repeat("A", 65): false} {
		require.Equal(t, want, calendar.ValidTimeZone(tz), tz)
	}
}

func ExampleEventCreate() {
	_, inst := setup()
	rec, err := calendar.EventCreate(context.Background(), inst, &calendar.Event{
		ID: "interview-42", Summary: "Interview: Ada Lovelace", Start: t0, End: t1,
		Attendees: []calendar.Attendee{{Email: "ada@example.com", Name: "Ada Lovelace"}},
	})
	fmt.Println(rec.EventID, rec.Status, err)
	// Output: key-interview-42 confirmed <nil>
}
