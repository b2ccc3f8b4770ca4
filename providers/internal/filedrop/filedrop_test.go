package filedrop_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/filedrop"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/sftpdrop"
	"github.com/intimeos/integrations/providers/sftpdrop/sftptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// roster is a toy file provider's payload: names, one a line, stamped
// with the time it renders.
type roster struct {
	Number int      `json:"number"`
	Names  []string `json:"names"`
}

type settings struct{ target *sftpdrop.Target }

func (st *settings) Target() *sftpdrop.Target { return st.target }

// fieldTeam is the toy provider's own setting, beside the SFTP ones.
const fieldTeam = "team"

func fields() []providers.Field {
	return append([]providers.Field{{Name: fieldTeam, Required: true, Messages: providers.FieldMessages{Empty: "Team is required"}}},
		sftpdrop.Fields()...)
}

func parse(s providers.Settings) (*settings, error) {
	t, err := filedrop.ParseSettings(fields(), s)
	if err != nil {
		return nil, err
	}
	return &settings{target: t}, nil
}

type receipt struct {
	Name, Path string
	Names      int
	Already    bool
	Content    string
}

var ops = filedrop.Ops[*settings, roster]{Name: "roster", OpSend: "roster.send", OpRender: "roster.render", Parse: parse,
	Validate: func(r *roster) error {
		if len(r.Names) == 0 {
			return errors.New("roster: names are required")
		}
		return nil
	},
	Number: func(r *roster) int { return r.Number },
	Render: func(_ *settings, r *roster, n int, now time.Time) (*filedrop.File, error) {
		name := fmt.Sprintf("roster_%09d.txt", n)
		body := strings.Join(r.Names, "\n") + "\n"
		data := []byte(now.Format(time.RFC3339) + "\n" + body)
		return &filedrop.File{Name: name, Data: data,
			Same:     func(old []byte) bool { _, b, _ := strings.Cut(string(old), "\n"); return b == body },
			Rendered: &receipt{Name: name, Content: string(data)},
			Delivered: func(rc *sftpdrop.Receipt) any {
				return &receipt{Name: name, Path: rc.Path, Names: len(r.Names), Already: rc.AlreadyDelivered}
			}}, nil
	}}

// TestDropper: render, send, a retry with the same key that renders a new
// timestamp is recognised, and each failure has its kind.
func TestDropper(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	clock := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	d := filedrop.New(&ops, &sftpdrop.Config{Now: func() time.Time { return clock }})
	s := testkit.With(srv.Settings(), fieldTeam, "blue")
	do := func(op *providers.Operation) (*receipt, error) {
		res, err := d.Do(t.Context(), s, op)
		if err != nil {
			return nil, err
		}
		return testkit.Decode[receipt](t, res), nil
	}
	r, err := do(testkit.Op("roster.render", &roster{Number: 7, Names: []string{"Ada", "Grace"}}))
	require.NoError(t, err)
	require.Equal(t, &receipt{Name: "roster_000000007.txt", Content: "2030-01-02T02:04:05Z\nAda\nGrace\n"}, r, "numbered, in UTC")
	require.Empty(t, srv.Files(t, "inbound"), "render sends nothing")

	send := testkit.Op("roster.send", &roster{Names: []string{"Ada"}})
	send.IdempotencyKey = "roster-1"
	r, err = do(send)
	require.NoError(t, err)
	name := fmt.Sprintf("roster_%09d.txt", sftpdrop.FileNumber(0, "roster-1", clock))
	require.Equal(t, &receipt{Name: name, Path: "inbound/" + name, Names: 1}, r)
	require.Equal(t, "2030-01-02T02:04:05Z\nAda\n", string(srv.File(t, "inbound/"+name)))
	clock = clock.Add(time.Minute)
	r, err = do(send)
	require.NoError(t, err)
	require.True(t, r.Already, "the retry finds its file")

	for _, tt := range []struct {
		name string
		s    providers.Settings
		op   *providers.Operation
		kind providers.Kind
	}{
		{"bad payload", s, &providers.Operation{Name: "roster.send", Payload: []byte(`[`)}, providers.KindInvalidInput},
		{"invalid payload", s, testkit.Op("roster.render", &roster{}), providers.KindInvalidInput},
		{"invalid settings", testkit.With(s, fieldTeam, ""), send, providers.KindInvalidInput},
		{"missing folder", testkit.With(s, sftpdrop.FieldDirectory, "outbound"), send, providers.KindInvalidInput},
		{"other operation", s, testkit.Op("roster.delete", nil), providers.KindUnsupported},
		{"no operation", s, nil, providers.KindUnsupported},
	} {
		_, err := d.Do(t.Context(), tt.s, tt.op)
		require.Equal(t, tt.kind, providers.KindOf(err), "%s: %v", tt.name, err)
	}
	_, err = do(&providers.Operation{Name: "roster.send", Payload: []byte(`[`)})
	require.ErrorContains(t, err, "roster: roster.send: decode payload")
}

// TestParseSettings: the provider's fields and the SFTP target's rules in
// one error, a field named once.
func TestParseSettings(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	_, err := parse(testkit.With(srv.Settings(), sftpdrop.FieldHostKey, "not a key", sftpdrop.FieldDirectory, "../up"))
	var ve *providers.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "Team is required", ve.Field(fieldTeam))
	require.NotEmpty(t, ve.Field(sftpdrop.FieldHostKey))
	require.NotEmpty(t, ve.Field(sftpdrop.FieldDirectory))
	seen := map[string]bool{}
	for _, f := range ve.Fields {
		require.False(t, seen[f.Field], "%s named twice", f.Field)
		seen[f.Field] = true
	}
	st, err := parse(testkit.With(srv.Settings(), fieldTeam, "blue"))
	require.NoError(t, err)
	require.Equal(t, srv.Port, st.Target().Port)
}

// TestCheck: the connection test of the settings' target; invalid
// settings are an error.
func TestCheck(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	d := filedrop.New(&ops, nil)
	res, err := d.Check(t.Context(), testkit.With(srv.Settings(), fieldTeam, "blue"))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	_, err = d.Check(t.Context(), srv.Settings())
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}
