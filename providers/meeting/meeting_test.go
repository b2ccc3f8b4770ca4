package meeting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/meeting"
)

// rooms is a video provider that keeps meetings in memory.
type rooms struct {
	providers.UnimplementedProvider
	meetings map[string]*meeting.Meeting
}

func (r *rooms) Do(ctx context.Context, _ providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return meeting.Handle(ctx, op, r)
}

func (r *rooms) MeetingCreate(_ context.Context, m *meeting.Meeting) (*meeting.Receipt, error) {
	id := fmt.Sprintf("m%d", len(r.meetings)+1)
	if m.ID != "" {
		id = "key-" + m.ID
	}
	r.meetings[id] = m
	return &meeting.Receipt{MeetingID: id, JoinURL: "https://video.example/j/" + id}, nil
}

func (r *rooms) MeetingUpdate(_ context.Context, c *meeting.Change) (*meeting.Receipt, error) {
	m := r.meetings[c.MeetingID]
	if c.Topic != nil {
		m.Topic = *c.Topic
	}
	return &meeting.Receipt{MeetingID: c.MeetingID, JoinURL: "https://video.example/j/" + c.MeetingID}, nil
}

func (r *rooms) MeetingDelete(_ context.Context, d *meeting.Deletion) (*meeting.DeleteReceipt, error) {
	delete(r.meetings, d.MeetingID)
	return &meeting.DeleteReceipt{MeetingID: d.MeetingID}, nil
}

var (
	t0 = time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

func setup() (*rooms, *providers.Instance) {
	r := &rooms{meetings: map[string]*meeting.Meeting{}}
	return r, providers.NewInstance("Rooms", r, nil, nil)
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	r, inst := setup()
	ctx := t.Context()
	m := &meeting.Meeting{ID: "int-7", Topic: "Interview", Start: t0, End: t1, TimeZone: "Asia/Tokyo",
		Attendees: []string{"ada@example.com"}}
	rec, err := meeting.Create(ctx, inst, m)
	require.NoError(t, err)
	require.Equal(t, &meeting.Receipt{MeetingID: "key-int-7", JoinURL: "https://video.example/j/key-int-7"}, rec)
	require.Equal(t, m, r.meetings[rec.MeetingID])

	_, err = meeting.Update(ctx, inst, &meeting.Change{MeetingID: rec.MeetingID, Topic: new("Panel")})
	require.NoError(t, err)
	require.Equal(t, "Panel", r.meetings[rec.MeetingID].Topic)

	d, err := meeting.Delete(ctx, inst, &meeting.Deletion{MeetingID: rec.MeetingID})
	require.NoError(t, err)
	require.Equal(t, rec.MeetingID, d.MeetingID)
	require.Empty(t, r.meetings)

	res, err := r.Do(ctx, nil, &providers.Operation{Name: meeting.OpCreate, IdempotencyKey: "k9",
		Payload: json.RawMessage(`{"topic":"T","start":"2030-03-04T15:00:00Z","end":"2030-03-04T16:00:00Z"}`)})
	require.NoError(t, err)
	require.JSONEq(t, `{"meetingId":"key-k9","joinUrl":"https://video.example/j/key-k9"}`, string(res.Payload))

	for _, o := range []*providers.Operation{nil, {Name: "calendar.event.create"}} {
		_, err := r.Do(ctx, nil, o)
		require.ErrorIs(t, err, providers.ErrUnsupported)
	}
	require.True(t, meeting.IsOperation(meeting.OpDelete))
	require.Equal(t, []string{meeting.OpCreate, meeting.OpUpdate, meeting.OpDelete}, meeting.Operations())
}

func TestValidate(t *testing.T) {
	t.Parallel()
	r, inst := setup()
	for name, m := range map[string]*meeting.Meeting{
		"no topic":     {Start: t0, End: t1},
		"long topic":   {Topic: strings.Repeat("t", meeting.MaxTopic+1), Start: t0, End: t1},
		"long agenda":  {Topic: "T", Agenda: strings.Repeat("a", meeting.MaxAgenda+1), Start: t0, End: t1},
		"backwards":    {Topic: "T", Start: t1, End: t0},
		"too long":     {Topic: "T", Start: t0, End: t0.Add(meeting.MaxDuration + time.Minute)},
		"bad zone":     {Topic: "T", Start: t0, End: t1, TimeZone: "PST"},
		"bad attendee": {Topic: "T", Start: t0, End: t1, Attendees: []string{"ada"}},
		"bad id":       {ID: "a\tb", Topic: "T", Start: t0, End: t1},
	} {
		_, err := meeting.Create(t.Context(), inst, m)
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), name)
		require.Contains(t, err.Error(), "meeting: ", name)
	}
	for _, c := range []*meeting.Change{{}, {MeetingID: "m1", End: &t1}, {MeetingID: "m1", Topic: new(" ")},
		{MeetingID: "m1", Agenda: new(strings.Repeat("a", meeting.MaxAgenda+1))}, {MeetingID: "m1", Start: &t1, End: &t0}} {
		_, err := meeting.Update(t.Context(), inst, c)
		require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "%+v", c)
	}
	_, err := meeting.Delete(t.Context(), inst, &meeting.Deletion{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	_, err = r.Do(t.Context(), nil, &providers.Operation{Name: meeting.OpUpdate, Payload: json.RawMessage(`{"meetingId":1}`)})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
	require.Empty(t, r.meetings)
}

func ExampleCreate() {
	_, inst := setup()
	rec, err := meeting.Create(context.Background(), inst, &meeting.Meeting{
		ID: "interview-42", Topic: "Interview: Ada Lovelace", Start: t0, End: t1,
	})
	fmt.Println(rec.JoinURL, err)
	// Output: https://video.example/j/key-interview-42 <nil>
}
