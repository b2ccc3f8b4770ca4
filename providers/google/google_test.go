package google_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/calendar"
	"github.com/intimeos/integrations/providers/google"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/retry"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

func setup(t *testing.T) (*fakeGoogle, *google.Provider) {
	return newFakeGoogle(t), testkit.Closing(t, google.New(nil))
}

var (
	start = time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC)
	end   = start.Add(45 * time.Minute)
)

func interview() *calendar.Event {
	return &calendar.Event{Summary: "Interview: Ada Lovelace, Analyst", Description: "Panel interview",
		Location: "Room 4", Start: start, End: end, TimeZone: "America/New_York",
		Attendees: []calendar.Attendee{{Email: "ada@candidates.example", Name: "Ada Lovelace"},
			{Email: "hm@company.example", Optional: true}}}
}

var createOp = op(calendar.OpEventCreate, interview())

func suite(t *testing.T) *providertest.Suite {
	f := newFakeGoogle(t)
	good := f.settings(tokGood)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "create", Op: createOp, Check: func(t *testing.T, r *providers.Result) {
				rec := decode[calendar.EventReceipt](t, r)
				require.NotEmpty(t, rec.EventID)
				require.Equal(t, "confirmed", rec.Status)
				require.True(t, rec.Start.Equal(start), "%v", rec.Start)
			}},
			{Name: "free/busy", Op: op(calendar.OpFreeBusy, &calendar.FreeBusyRequest{Start: start.Add(-time.Hour),
				End: start.Add(8 * time.Hour), Calendars: []string{calBusy}}), Check: func(t *testing.T, r *providers.Result) {
				fb := decode[calendar.FreeBusy](t, r)
				require.Len(t, fb.Calendars[0].Busy, 1)
			}},
		},
		Failures: []providertest.Failure{
			{Name: "invalid token 401", Settings: with(good, providers.SettingAccessToken, "ya29.expired"), Op: createOp, Kind: providers.KindAuth},
			{Name: "no token", Settings: with(good, providers.SettingAccessToken, ""), Op: createOp, Kind: providers.KindAuth},
			{Name: "missing scope 403", Settings: with(good, providers.SettingAccessToken, tokReadOnly), Op: createOp, Kind: providers.KindAuth},
			{Name: "rate limited 429", Settings: with(good, providers.SettingAccessToken, tokBusy), Op: createOp, Kind: providers.KindRateLimited, RetryAfter: 30 * time.Second},
			{Name: "user rate limit 403", Settings: with(good, providers.SettingAccessToken, tokUserRate), Op: createOp, Kind: providers.KindRateLimited},
			{Name: "down 503", Settings: with(good, providers.SettingAccessToken, tokDown), Op: createOp, Kind: providers.KindRetryable},
			{Name: "unknown event 404", Op: op(calendar.OpEventUpdate, &calendar.EventChange{EventID: "nosuchevent1",
				Summary: new("x")}), Kind: providers.KindInvalidInput},
			{Name: "not the organizer 403", Op: op(calendar.OpEventCancel, &calendar.EventCancellation{EventID: eventForeign}),
				Kind: providers.KindInvalidInput},
			{Name: "end before start", Op: op(calendar.OpEventCreate, &calendar.Event{Summary: "x", Start: end, End: start}),
				Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: calendar.OpEventCreate, Payload: []byte(`[`)}, Kind: providers.KindInvalidInput},
			{Name: "invalid settings", Settings: with(good, google.FieldTimeZone, "Mars/Olympus"), Op: createOp, Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance: the provider passes providertest in process and as a
// plugin, against the fake Calendar API.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, google.New(nil)), plugin, suite)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	p := google.New(nil)
	good := providers.Settings{google.FieldCalendarID: "primary"}
	testkit.Validate(t, p, []testkit.ValidateCase{
		{"defaults", good, "", ""},
		{"all fields", providers.Settings{google.FieldCalendarID: "c_123@group.calendar.google.com",
			google.FieldTimeZone: "Europe/Paris", google.FieldSendUpdates: "externalOnly",
			google.FieldBaseURL: "https://calendar.internal.example/"}, "", ""},
		{"empty calendar", providers.Settings{}, google.FieldCalendarID, "Calendar ID is required"},
		{"bad calendar", with(good, google.FieldCalendarID, "recruiting"), google.FieldCalendarID,
			"Calendar ID must be primary or a calendar's email address"},
		{"bad zone", with(good, google.FieldTimeZone, "Eastern"), google.FieldTimeZone,
			"Please enter an IANA time zone such as America/New_York"},
		{"bad notify", with(good, google.FieldSendUpdates, "some"), google.FieldSendUpdates,
			"Please select who is notified: all, externalOnly or none"},
		{"http base", with(good, google.FieldBaseURL, "http://calendar.example"), google.FieldBaseURL,
			"Please enter a valid https URL"},
	})
}

// TestCreateRequest checks the wire form of events.insert: the bearer
// token, sendUpdates, the event in the attendees' zone, Meet requested.
func TestCreateRequest(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	e := interview()
	e.OnlineMeeting, e.Notify = true, calendar.NotifyExternal
	res, err := p.Do(t.Context(), with(f.settings(tokGood), google.FieldCalendarID, calRecruit), op(calendar.OpEventCreate, e))
	require.NoError(t, err)
	rec := decode[calendar.EventReceipt](t, res)
	require.Contains(t, rec.JoinURL, "https://meet.google.com/")
	require.Equal(t, rec.EventID+"@google.com", rec.ICalUID)
	require.NotEmpty(t, rec.WebLink)

	req := f.Last()
	require.Equal(t, "/calendar/v3/calendars/"+calRecruit+"/events", req.Path)
	require.Equal(t, "Bearer "+tokGood, req.Auth)
	require.Equal(t, "externalOnly", req.Query.Get("sendUpdates"))
	require.Equal(t, "1", req.Query.Get("conferenceDataVersion"))
	require.Equal(t, map[string]any{"dateTime": "2030-03-04T10:00:00-05:00", "timeZone": "America/New_York"}, req.Body["start"])
	require.Equal(t, []any{map[string]any{"email": "ada@candidates.example", "displayName": "Ada Lovelace"},
		map[string]any{"email": "hm@company.example", "optional": true}}, req.Body["attendees"])
	require.Equal(t, "hangoutsMeet", req.Body["conferenceData"].(map[string]any)["createRequest"].(map[string]any)["conferenceSolutionKey"].(map[string]any)["type"])
	require.NotContains(t, req.Body, "id", "no idempotency key, no client-chosen ID")

	// The integration's defaults: UTC, sendUpdates=all.
	_, err = p.Do(t.Context(), f.settings(tokGood), op(calendar.OpEventCreate, &calendar.Event{Summary: "Screen", Start: start, End: end}))
	require.NoError(t, err)
	req = f.Last()
	require.Equal(t, "all", req.Query.Get("sendUpdates"))
	require.Empty(t, req.Query.Get("conferenceDataVersion"))
	require.Equal(t, map[string]any{"dateTime": "2030-03-04T15:00:00Z", "timeZone": "UTC"}, req.Body["start"])
}

// TestCreateIdempotent: a create retried with the same idempotency key
// returns the event created first, through Google's 409 duplicate.
func TestCreateIdempotent(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	s := f.settings(tokGood)
	o := op(calendar.OpEventCreate, interview())
	o.IdempotencyKey = "interview-42"
	first, err := p.Do(t.Context(), s, o)
	require.NoError(t, err)
	again, err := p.Do(t.Context(), s, o)
	require.NoError(t, err)
	a, b := decode[calendar.EventReceipt](t, first), decode[calendar.EventReceipt](t, again)
	require.Equal(t, google.EventID("interview-42"), a.EventID)
	require.Equal(t, a, b)
	reqs := f.Requests()
	require.Len(t, reqs, 3, "insert, insert (409), get")
	require.Equal(t, "GET", reqs[2].Method)
	require.Regexp(t, `^[a-v0-9]{52}$`, a.EventID)
}

// TestUpdateAndCancel: patch sends only what changed; a cancellation is a
// delete with sendUpdates, and cancelling again succeeds (410).
func TestUpdateAndCancel(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	s := f.settings(tokGood)
	res, err := p.Do(t.Context(), s, createOp)
	require.NoError(t, err)
	id := decode[calendar.EventReceipt](t, res).EventID

	later, laterEnd := start.Add(24*time.Hour), end.Add(24*time.Hour)
	res, err = p.Do(t.Context(), s, op(calendar.OpEventUpdate, &calendar.EventChange{EventID: id,
		Location: new("Room 9"), Start: &later, End: &laterEnd, Notify: calendar.NotifyNone}))
	require.NoError(t, err)
	require.True(t, decode[calendar.EventReceipt](t, res).Start.Equal(later))
	req := f.Last()
	require.Equal(t, "PATCH", req.Method)
	require.Equal(t, "none", req.Query.Get("sendUpdates"))
	require.ElementsMatch(t, []string{"location", "start", "end"}, keys(req.Body))
	ev := f.Event("primary", id)
	require.Equal(t, "Room 9", ev.Location)
	require.Equal(t, "Interview: Ada Lovelace, Analyst", ev.Summary, "unchanged fields kept")

	res, err = p.Do(t.Context(), s, op(calendar.OpEventCancel, &calendar.EventCancellation{EventID: id}))
	require.NoError(t, err)
	require.Equal(t, &calendar.CancelReceipt{EventID: id}, decode[calendar.CancelReceipt](t, res))
	require.Equal(t, "DELETE", f.Last().Method)
	require.Equal(t, "all", f.Last().Query.Get("sendUpdates"))
	require.Equal(t, "cancelled", f.Event("primary", id).Status)

	res, err = p.Do(t.Context(), s, op(calendar.OpEventCancel, &calendar.EventCancellation{EventID: id}))
	require.NoError(t, err)
	require.True(t, decode[calendar.CancelReceipt](t, res).AlreadyCancelled)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFreeBusy(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	fb, err := calendar.FreeBusyQuery(t.Context(), providers.NewInstance("Google", p, f.settings(tokGood), nil),
		&calendar.FreeBusyRequest{Start: start.Add(-time.Hour), End: start.Add(4 * time.Hour),
			Calendars: []string{calBusy, calRecruit, "nobody@example.com"}})
	require.NoError(t, err)
	require.Equal(t, &calendar.FreeBusy{Calendars: []calendar.CalendarBusy{
		{Calendar: calBusy, Busy: []calendar.BusyInterval{{Start: start, End: start.Add(time.Hour), Status: "busy"}}},
		{Calendar: calRecruit, Busy: []calendar.BusyInterval{}},
		{Calendar: "nobody@example.com", Busy: []calendar.BusyInterval{}, Error: "notFound"},
	}}, fb)
	req := f.Last()
	require.Equal(t, "/calendar/v3/freeBusy", req.Path)
	require.Equal(t, "2030-03-04T14:00:00Z", req.Body["timeMin"])
	require.Len(t, req.Body["items"], 3)
}

// TestErrors: Google's answers map to the kinds, with its message and
// reason, the Retry-After wait, and never the token.
func TestErrors(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	_, err := p.Do(t.Context(), f.settings(tokBusy), createOp)
	e := providers.AsError(err)
	require.Equal(t, providers.KindRateLimited, e.Kind)
	require.Equal(t, 30*time.Second, e.RetryAfter)
	require.Equal(t, "Rate limit exceeded. Retry in 30 seconds.", providers.UserMessage(err, google.DisplayName))

	_, err = p.Do(t.Context(), f.settings("ya29.expired-secret"), createOp)
	require.Equal(t, "Authentication failed. Please check credentials.", providers.UserMessage(err, google.DisplayName))
	require.Contains(t, err.Error(), "401 Request had invalid authentication credentials")
	require.Contains(t, err.Error(), "(authError)")
	require.NotContains(t, err.Error(), "ya29.expired-secret")

	_, err = p.Do(t.Context(), f.settings(tokDown), createOp)
	require.Equal(t, "Google Calendar is currently unavailable", providers.UserMessage(err, google.DisplayName))
	require.Equal(t, retry.ClassServerError, providers.AsError(err).RetryClass())

	_, err = p.Do(t.Context(), f.settings(tokUserRate), createOp)
	require.Equal(t, retry.ClassRateLimited, providers.AsError(err).RetryClass())
	require.True(t, retry.IsRetryable(err))

	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	_, err = p.Do(t.Context(), with(f.settings(tokGood), google.FieldBaseURL, gone.URL), createOp)
	require.Equal(t, providers.KindRetryable, providers.KindOf(err), "%v", err)
}

// TestCheck: the auth stage reads the configured calendar with the token.
func TestCheck(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	res, err := p.Check(t.Context(), with(f.settings(tokGood), google.FieldCalendarID, calRecruit))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, "/calendar/v3/calendars/"+calRecruit, f.Last().Path)
	require.Equal(t, "Bearer "+tokGood, f.Last().Auth)
	names := []providers.StageName{}
	for _, st := range res.Stages {
		names = append(names, st.Name)
	}
	require.Equal(t, []providers.StageName{providers.StageDNS, providers.StageTCP, providers.StageTLS, providers.StageAuth}, names)

	for tok, cal := range map[string]string{"ya29.revoked": "primary", tokGood: "missing@example.com", "": "primary"} {
		res, err = p.Check(t.Context(), with(f.settings(tok), google.FieldCalendarID, cal))
		require.NoError(t, err)
		require.False(t, res.OK())
		require.Equal(t, providers.StageAuth, res.Failed().Name, "token %q calendar %s", tok, cal)
	}
	_, err = p.Check(t.Context(), with(f.settings(tokGood), google.FieldCalendarID, ""))
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}
