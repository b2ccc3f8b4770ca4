package microsoft_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/meeting"
	"github.com/intimeos/integrations/providers/microsoft"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/retry"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

func setup(t *testing.T) (*fakeGraph, *microsoft.Provider) {
	return newFakeGraph(t), testkit.Closing(t, microsoft.New(nil))
}

var (
	start = time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC)
	end   = start.Add(45 * time.Minute)
)

func interview() *calendar.Event {
	return &calendar.Event{Summary: "Interview: Ada Lovelace, Analyst", Description: "Panel interview",
		Location: "Room 4", Start: start, End: end, TimeZone: "America/New_York",
		Attendees: []calendar.Attendee{{Email: "ada@candidates.example", Name: "Ada Lovelace"},
			{Email: "hm@contoso.example", Optional: true}}}
}

func teams() *meeting.Meeting {
	return &meeting.Meeting{Topic: "Interview: Ada Lovelace", Start: start, End: end,
		Attendees: []string{"hm@contoso.example"}}
}

var (
	createOp  = op(calendar.OpEventCreate, interview())
	meetingOp = op(meeting.OpCreate, teams())
)

func suite(t *testing.T) *providertest.Suite {
	f := newFakeGraph(t)
	good := f.settings(tokGood)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "event", Op: createOp, Check: func(t *testing.T, r *providers.Result) {
				rec := decode[calendar.EventReceipt](t, r)
				require.NotEmpty(t, rec.EventID)
				require.True(t, rec.Start.Equal(start), "%v", rec.Start)
			}},
			{Name: "free/busy", Op: op(calendar.OpFreeBusy, &calendar.FreeBusyRequest{Start: start, End: start.Add(4 * time.Hour),
				Calendars: []string{boxBusy}}), Check: func(t *testing.T, r *providers.Result) {
				require.Len(t, decode[calendar.FreeBusy](t, r).Calendars[0].Busy, 2)
			}},
			{Name: "teams meeting", Op: meetingOp, Check: func(t *testing.T, r *providers.Result) {
				require.Contains(t, decode[meeting.Receipt](t, r).JoinURL, "https://teams.microsoft.com/l/meetup-join/")
			}},
		},
		Failures: []providertest.Failure{
			{Name: "expired token 401", Settings: with(good, providers.SettingAccessToken, "eyJ.expired"), Op: createOp, Kind: providers.KindAuth},
			{Name: "no token", Settings: with(good, providers.SettingAccessToken, ""), Op: meetingOp, Kind: providers.KindAuth},
			{Name: "denied 403", Settings: with(good, providers.SettingAccessToken, tokDenied), Op: meetingOp, Kind: providers.KindAuth},
			{Name: "throttled 429", Settings: with(good, providers.SettingAccessToken, tokBusy), Op: createOp, Kind: providers.KindRateLimited, RetryAfter: 30 * time.Second},
			{Name: "down 503", Settings: with(good, providers.SettingAccessToken, tokDown), Op: meetingOp, Kind: providers.KindRetryable, RetryAfter: 10 * time.Second},
			{Name: "unknown event 404", Op: op(calendar.OpEventCancel, &calendar.EventCancellation{EventID: "AAMkAGnone="}), Kind: providers.KindInvalidInput},
			{Name: "not the organizer 400", Op: op(calendar.OpEventCancel, &calendar.EventCancellation{EventID: eventForeign}), Kind: providers.KindInvalidInput},
			{Name: "unknown mailbox 404", Settings: with(good, microsoft.FieldMailbox, "nobody@contoso.example"), Op: createOp, Kind: providers.KindInvalidInput},
			{Name: "unknown meeting 404", Op: op(meeting.OpDelete, &meeting.Deletion{MeetingID: "MSnone"}), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: meeting.OpCreate, Payload: []byte(`{"topic":`)}, Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance: the provider passes providertest in process and as a
// plugin, against the fake Graph.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, microsoft.New(nil)), plugin, suite)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{microsoft.FieldMailbox: "me"}
	testkit.Validate(t, microsoft.New(nil), []testkit.ValidateCase{
		{"defaults", good, "", ""},
		{"user principal name", with(good, microsoft.FieldMailbox, "recruiting@contoso.example",
			microsoft.FieldTimeZone, "Asia/Kolkata", microsoft.FieldBaseURL, "https://graph.microsoft.us"), "", ""},
		{"object ID", with(good, microsoft.FieldMailbox, "87d349ed-44d7-43e1-9a83-5f2406dee5bd"), "", ""},
		{"empty", providers.Settings{}, microsoft.FieldMailbox, "Mailbox is required"},
		{"bad mailbox", with(good, microsoft.FieldMailbox, "recruiting"), microsoft.FieldMailbox,
			"Mailbox must be me, a user principal name or a user ID"},
		{"bad zone", with(good, microsoft.FieldTimeZone, "Pacific Standard Time"), microsoft.FieldTimeZone,
			"Please enter an IANA time zone such as America/New_York"},
		{"http base", with(good, microsoft.FieldBaseURL, "http://graph.example"), microsoft.FieldBaseURL,
			"Please enter a valid https URL"},
	})
}

// TestEventRequest checks the wire form of an event: wall-clock times in
// the event's zone, attendee types, the Prefer header, a Teams link, the
// transactionId of an idempotency key, and the mailbox's path.
func TestEventRequest(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	e := interview()
	e.OnlineMeeting = true
	o := op(calendar.OpEventCreate, e)
	o.IdempotencyKey = "interview-42"
	res, err := p.Do(t.Context(), f.settings(tokGood), o)
	require.NoError(t, err)
	rec := decode[calendar.EventReceipt](t, res)
	require.Contains(t, rec.JoinURL, "https://teams.microsoft.com/l/meetup-join/")
	require.Equal(t, "confirmed", rec.Status)
	require.NotEmpty(t, rec.ICalUID)
	require.True(t, rec.Start.Equal(start) && rec.End.Equal(end), "%v %v", rec.Start, rec.End)

	req := f.Last()
	require.Equal(t, "/v1.0/me/events", req.Path)
	require.Equal(t, "Bearer "+tokGood, req.Auth)
	require.Equal(t, `outlook.timezone="UTC"`, req.Header.Get("Prefer"))
	require.Equal(t, map[string]any{"dateTime": "2030-03-04T10:00:00", "timeZone": "America/New_York"}, req.Body["start"])
	require.Equal(t, map[string]any{"contentType": "text", "content": "Panel interview"}, req.Body["body"])
	require.Equal(t, map[string]any{"displayName": "Room 4"}, req.Body["location"])
	require.Equal(t, []any{
		map[string]any{"emailAddress": map[string]any{"address": "ada@candidates.example", "name": "Ada Lovelace"}, "type": "required"},
		map[string]any{"emailAddress": map[string]any{"address": "hm@contoso.example"}, "type": "optional"},
	}, req.Body["attendees"])
	require.Equal(t, "teamsForBusiness", req.Body["onlineMeetingProvider"])
	require.Equal(t, microsoft.TransactionID("interview-42"), req.Body["transactionId"])

	again, err := p.Do(t.Context(), f.settings(tokGood), o)
	require.NoError(t, err)
	require.Equal(t, rec, decode[calendar.EventReceipt](t, again), "a retried create returns the same event")

	_, err = p.Do(t.Context(), with(f.settings(tokGood), microsoft.FieldMailbox, boxRoom), createOp)
	require.NoError(t, err)
	require.Equal(t, "/v1.0/users/"+boxRoom+"/events", f.Last().Path)
}

func TestUpdateAndCancel(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	s := f.settings(tokGood)
	res, err := p.Do(t.Context(), s, createOp)
	require.NoError(t, err)
	id := decode[calendar.EventReceipt](t, res).EventID

	later, laterEnd := start.Add(2*time.Hour), end.Add(2*time.Hour)
	res, err = p.Do(t.Context(), s, op(calendar.OpEventUpdate, &calendar.EventChange{EventID: id,
		Summary: new("Final interview"), Start: &later, End: &laterEnd, TimeZone: "Europe/London"}))
	require.NoError(t, err)
	require.True(t, decode[calendar.EventReceipt](t, res).Start.Equal(later))
	req := f.Last()
	require.Equal(t, "PATCH", req.Method)
	require.Equal(t, map[string]any{"subject": "Final interview",
		"start": map[string]any{"dateTime": "2030-03-04T17:00:00", "timeZone": "Europe/London"},
		"end":   map[string]any{"dateTime": "2030-03-04T17:45:00", "timeZone": "Europe/London"}}, req.Body)
	require.Equal(t, "Room 4", f.Event(id).Location["displayName"], "unchanged fields kept")

	res, err = p.Do(t.Context(), s, op(calendar.OpEventCancel, &calendar.EventCancellation{EventID: id, Comment: "Position filled"}))
	require.NoError(t, err)
	require.Equal(t, &calendar.CancelReceipt{EventID: id}, decode[calendar.CancelReceipt](t, res))
	req = f.Last()
	require.Equal(t, "/v1.0/me/events/"+id+"/cancel", req.Path)
	require.Equal(t, http.StatusAccepted, req.Status)
	require.Equal(t, map[string]any{"comment": "Position filled"}, req.Body)
	require.True(t, f.Event(id).IsCancelled)
}

func TestFreeBusy(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	fb, err := calendar.FreeBusyQuery(t.Context(), providers.NewInstance("Microsoft 365", p, f.settings(tokGood), nil),
		&calendar.FreeBusyRequest{Start: start, End: start.Add(4 * time.Hour),
			Calendars: []string{"Interviewer@contoso.example", boxRoom, "ghost@contoso.example"}})
	require.NoError(t, err)
	require.Equal(t, &calendar.FreeBusy{Calendars: []calendar.CalendarBusy{
		{Calendar: "Interviewer@contoso.example", Busy: []calendar.BusyInterval{
			{Start: start, End: start.Add(time.Hour), Status: "busy"},
			{Start: start.Add(2 * time.Hour), End: start.Add(150 * time.Minute), Status: "tentative"}}},
		{Calendar: boxRoom, Busy: []calendar.BusyInterval{}},
		{Calendar: "ghost@contoso.example", Busy: []calendar.BusyInterval{}, Error: "ErrorMailRecipientNotFound"},
	}}, fb)
	req := f.Last()
	require.Equal(t, "/v1.0/me/calendar/getSchedule", req.Path)
	require.Equal(t, map[string]any{"dateTime": "2030-03-04T15:00:00", "timeZone": "UTC"}, req.Body["startTime"])
	require.InDelta(t, 30, req.Body["availabilityViewInterval"], 0)
}

// TestTeamsMeetings: create (createOrGet with an idempotency key), update,
// delete, through the meeting package's helpers.
func TestTeamsMeetings(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	inst := providers.NewInstance("Teams", p, f.settings(tokGood), nil)
	ctx := t.Context()
	m := teams()
	m.TimeZone = "America/Chicago"
	rec, err := meeting.Create(ctx, inst, m)
	require.NoError(t, err)
	require.Equal(t, "ab12CD", rec.Passcode)
	require.True(t, rec.Start.Equal(start))
	req := f.Last()
	require.Equal(t, "/v1.0/me/onlineMeetings", req.Path)
	require.Equal(t, "2030-03-04T09:00:00-06:00", req.Body["startDateTime"])
	require.Equal(t, map[string]any{"attendees": []any{map[string]any{"upn": "hm@contoso.example", "role": "attendee"}}},
		req.Body["participants"])
	require.NotContains(t, req.Body, "externalId")

	m.ID = "interview-42"
	first, err := meeting.Create(ctx, inst, m)
	require.NoError(t, err)
	again, err := meeting.Create(ctx, inst, m)
	require.NoError(t, err)
	require.Equal(t, first, again)
	require.Equal(t, "/v1.0/me/onlineMeetings/createOrGet", f.Last().Path)
	require.Equal(t, microsoft.TransactionID("interview-42"), f.Last().Body["externalId"])
	require.Equal(t, 2, f.Meetings())

	later, laterEnd := start.Add(time.Hour), end.Add(time.Hour)
	up, err := meeting.Update(ctx, inst, &meeting.Change{MeetingID: rec.MeetingID, Topic: new("Final"), Start: &later, End: &laterEnd})
	require.NoError(t, err)
	require.True(t, up.Start.Equal(later))
	require.Equal(t, rec.JoinURL, up.JoinURL)
	require.Equal(t, "PATCH", f.Last().Method)

	_, err = meeting.Delete(ctx, inst, &meeting.Deletion{MeetingID: rec.MeetingID})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, f.Last().Status)
	require.Equal(t, 1, f.Meetings())
	_, err = meeting.Delete(ctx, inst, &meeting.Deletion{MeetingID: rec.MeetingID})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestErrors(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	_, err := p.Do(t.Context(), f.settings(tokBusy), createOp)
	e := providers.AsError(err)
	require.Equal(t, providers.KindRateLimited, e.Kind)
	require.Equal(t, 30*time.Second, e.RetryAfter)
	require.Contains(t, err.Error(), "429 Application is over its MailboxConcurrency limit. (ApplicationThrottled)")

	_, err = p.Do(t.Context(), f.settings(tokDown), createOp)
	require.Equal(t, "Microsoft 365 is currently unavailable", providers.UserMessage(err, microsoft.DisplayName))
	require.Equal(t, 10*time.Second, providers.AsError(err).RetryAfter)
	require.Equal(t, retry.ClassServerError, providers.AsError(err).RetryClass())

	_, err = p.Do(t.Context(), f.settings("eyJ.stale-secret"), meetingOp)
	require.Equal(t, "Authentication failed. Please check credentials.", providers.UserMessage(err, microsoft.DisplayName))
	require.Contains(t, err.Error(), "(InvalidAuthenticationToken)")
	require.NotContains(t, err.Error(), "eyJ.stale-secret")

	n := f.Count()
	_, err = p.Do(t.Context(), f.settings(tokGood), op(calendar.OpEventCreate, &calendar.Event{Summary: "x", Start: end, End: start}))
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Equal(t, n, f.Count(), "an invalid payload is refused before any request")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	res, err := p.Check(t.Context(), f.settings(tokGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, "/v1.0/me", f.Last().Path)
	require.Equal(t, "Bearer "+tokGood, f.Last().Auth)
	for _, tok := range []string{"eyJ.revoked", tokDenied, ""} {
		res, err = p.Check(t.Context(), f.settings(tok))
		require.NoError(t, err)
		require.Equal(t, providers.StageAuth, res.Failed().Name, tok)
	}
	_, err = p.Check(t.Context(), with(f.settings(tokGood), microsoft.FieldMailbox, "x"))
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}
