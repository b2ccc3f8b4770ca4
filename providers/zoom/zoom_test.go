package zoom_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/meeting"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/zoom"
)

var (
	op   = testkit.Op
	with = testkit.With
)

func decode[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

func setup(t *testing.T) (*fakeZoom, *zoom.Provider) {
	return newFakeZoom(t), testkit.Closing(t, zoom.New(nil))
}

var (
	start = time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC)
	end   = start.Add(40*time.Minute + 10*time.Second)
)

func interview() *meeting.Meeting {
	return &meeting.Meeting{Topic: "Interview: Ada Lovelace", Agenda: "Technical round", Start: start, End: end,
		TimeZone: "America/New_York", Attendees: []string{"ada@candidates.example", "hm@company.example"}}
}

var createOp = op(meeting.OpCreate, interview())

func suite(t *testing.T) *providertest.Suite {
	f := newFakeZoom(t)
	good := f.settings(tokGood)
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "create", Op: createOp, Check: func(t *testing.T, r *providers.Result) {
				rec := decode[meeting.Receipt](t, r)
				require.Regexp(t, `^[0-9]{11}$`, rec.MeetingID)
				require.Equal(t, "https://us05web.zoom.us/j/"+rec.MeetingID+"?pwd=Wm9vbVBhc3M", rec.JoinURL)
				require.NotContains(t, string(r.Payload), startURL, "the host's start link is never returned")
			}},
		},
		Failures: []providertest.Failure{
			{Name: "invalid token 401", Settings: with(good, providers.SettingAccessToken, "eyJ.expired"), Op: createOp, Kind: providers.KindAuth},
			{Name: "no token", Settings: with(good, providers.SettingAccessToken, ""), Op: createOp, Kind: providers.KindAuth},
			{Name: "missing scope 4711", Settings: with(good, providers.SettingAccessToken, tokNoScope), Op: createOp, Kind: providers.KindAuth},
			{Name: "rate limited 429", Settings: with(good, providers.SettingAccessToken, tokBusy), Op: createOp, Kind: providers.KindRateLimited, RetryAfter: 30 * time.Second},
			{Name: "down 503", Settings: with(good, providers.SettingAccessToken, tokDown), Op: createOp, Kind: providers.KindRetryable},
			{Name: "unknown user 1001", Settings: with(good, zoom.FieldUserID, "ghost@company.example"), Op: createOp, Kind: providers.KindInvalidInput},
			{Name: "unknown meeting 3001", Op: op(meeting.OpDelete, &meeting.Deletion{MeetingID: "12345678901"}), Kind: providers.KindInvalidInput},
			{Name: "not a meeting ID", Op: op(meeting.OpDelete, &meeting.Deletion{MeetingID: "../users"}), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: meeting.OpCreate, Payload: []byte(`1`)}, Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance: the provider passes providertest in process and as a
// plugin, against the fake Zoom API.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, zoom.New(nil)), plugin, suite)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := providers.Settings{zoom.FieldUserID: "me"}
	testkit.Validate(t, zoom.New(nil), []testkit.ValidateCase{
		{"defaults", good, "", ""},
		{"all fields", with(good, zoom.FieldUserID, "KDcuGIm1QgePTO8WbOqwIQ", zoom.FieldTimeZone, "Europe/Berlin",
			zoom.FieldWaitingRoom, "off", zoom.FieldBaseURL, "https://api.zoomgov.com"), "", ""},
		{"email", with(good, zoom.FieldUserID, "recruiter@company.example"), "", ""},
		{"empty", providers.Settings{}, zoom.FieldUserID, "Zoom user is required"},
		{"bad user", with(good, zoom.FieldUserID, "a b"), zoom.FieldUserID, "Zoom user must be me, an email address or a user ID"},
		{"bad zone", with(good, zoom.FieldTimeZone, "GMT+2"), zoom.FieldTimeZone, "Please enter an IANA time zone such as America/New_York"},
		{"bad waiting room", with(good, zoom.FieldWaitingRoom, "yes"), zoom.FieldWaitingRoom, "Please choose on or off"},
		{"http base", with(good, zoom.FieldBaseURL, "http://api.zoom.example"), zoom.FieldBaseURL, "Please enter a valid https URL"},
	})
}

// TestMeetingLifecycle checks the wire form of create, update and delete.
func TestMeetingLifecycle(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	inst := providers.NewInstance("Zoom", p, with(f.settings(tokGood), zoom.FieldWaitingRoom, "off"), nil)
	ctx := t.Context()
	rec, err := meeting.Create(ctx, inst, interview())
	require.NoError(t, err)
	require.Equal(t, "ZoomPass", rec.Passcode)
	require.True(t, rec.Start.Equal(start))
	require.True(t, rec.End.Equal(start.Add(41*time.Minute)), "duration rounded up to whole minutes: %v", rec.End)
	req := f.Last()
	require.Equal(t, "/v2/users/me/meetings", req.Path)
	require.Equal(t, "Bearer "+tokGood, req.Auth)
	require.Equal(t, map[string]any{"topic": "Interview: Ada Lovelace", "type": float64(2), "start_time": "2030-03-04T15:00:00Z",
		"duration": float64(41), "timezone": "America/New_York", "agenda": "Technical round",
		"settings": map[string]any{"join_before_host": false, "waiting_room": false, "meeting_invitees": []any{
			map[string]any{"email": "ada@candidates.example"}, map[string]any{"email": "hm@company.example"}}}}, req.Body)

	later, laterEnd := start.Add(time.Hour), start.Add(2*time.Hour)
	up, err := meeting.Update(ctx, inst, &meeting.Change{MeetingID: rec.MeetingID, Topic: new("Final round"), Start: &later, End: &laterEnd})
	require.NoError(t, err)
	require.Equal(t, rec.JoinURL, up.JoinURL)
	require.True(t, up.Start.Equal(later) && up.End.Equal(laterEnd), "%v %v", up.Start, up.End)
	require.Equal(t, "Final round", f.Meeting(rec.MeetingID)["topic"])
	require.Equal(t, "Technical round", f.Meeting(rec.MeetingID)["agenda"], "unchanged fields kept")

	_, err = meeting.Delete(ctx, inst, &meeting.Deletion{MeetingID: rec.MeetingID})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, f.Last().Status)
	require.Nil(t, f.Meeting(rec.MeetingID))
	_, err = meeting.Delete(ctx, inst, &meeting.Deletion{MeetingID: rec.MeetingID})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Contains(t, err.Error(), "Meeting does not exist: "+rec.MeetingID+". (Zoom error 3001)")
}

func TestErrors(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	_, err := p.Do(t.Context(), f.settings(tokBusy), createOp)
	e := providers.AsError(err)
	require.Equal(t, providers.KindRateLimited, e.Kind)
	require.Equal(t, 30*time.Second, e.RetryAfter)
	require.Equal(t, "Rate limit exceeded. Retry in 30 seconds.", providers.UserMessage(err, zoom.DisplayName))

	_, err = p.Do(t.Context(), f.settings("eyJ.stale-secret"), createOp)
	require.Equal(t, "Authentication failed. Please check credentials.", providers.UserMessage(err, zoom.DisplayName))
	require.Contains(t, err.Error(), "Invalid access token. (Zoom error 124)")
	require.NotContains(t, err.Error(), "eyJ.stale-secret")

	_, err = p.Do(t.Context(), f.settings(tokDown), createOp)
	require.Equal(t, "Zoom is currently unavailable", providers.UserMessage(err, zoom.DisplayName))
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f, p := setup(t)
	res, err := p.Check(t.Context(), f.settings(tokGood))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, "/v2/users/me", f.Last().Path)
	for _, tok := range []string{"eyJ.revoked", tokNoScope, ""} {
		res, err = p.Check(t.Context(), f.settings(tok))
		require.NoError(t, err)
		require.Equal(t, providers.StageAuth, res.Failed().Name, tok)
	}
}
