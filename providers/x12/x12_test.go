package x12_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/x12"
)

func sample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/834_sample.edi")
	require.NoError(t, err)
	return string(b)
}

// TestParseSample reads a hand-written 834 (not one this package wrote).
func TestParseSample(t *testing.T) {
	t.Parallel()
	ic, err := x12.Parse([]byte(sample(t)))
	require.NoError(t, err)
	require.Equal(t, x12.DefaultDelimiters, ic.Delimiters)
	require.Equal(t, "000000905", ic.ISA.E(13))
	require.Equal(t, "BCBSRECEIVER   ", ic.ISA.E(8))
	require.Len(t, ic.Groups, 1)
	g := ic.Groups[0]
	require.Equal(t, "005010X220A1", g.GS.E(8))
	require.Len(t, g.Sets, 1)
	require.Equal(t, "834", g.Sets[0].ST.E(1))
	require.Len(t, g.Sets[0].Body, 11)
	require.Equal(t, x12.Segment{"INS", "Y", "18", "021", "28", "A", "", "", "FT"}, g.Sets[0].Body[3])
	require.Equal(t, "", g.Sets[0].Body[3].E(20))
}

// TestParseRejects mutates the sample so that one envelope rule breaks.
func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, old, new, want string }{
		{"SE01 count", "SE*13*0001", "SE*12*0001", "SE01 (segments from ST to SE) is 12, counted 13"},
		{"SE02 control", "SE*13*0001", "SE*13*0002", "SE02 0002 does not match ST02 0001"},
		{"GE01 count", "GE*1*905", "GE*2*905", "GE01 (sets) is 2, counted 1"},
		{"GE02 control", "GE*1*905", "GE*1*906", "GE02 = GS06: 906 is not 905"},
		{"IEA01 count", "IEA*1*", "IEA*3*", "IEA01 (groups) is 3, counted 1"},
		{"IEA02 control", "IEA*1*000000905", "IEA*1*000000906", "IEA02 = ISA13: 000000906 is not 905"},
		{"no IEA", "IEA*1*000000905~", "", "expected IEA"},
		{"no SE", "SE*13*0001~\n", "", "transaction set 0001 has no SE"},
		{"no GS", "GS*BE", "XX*BE", "expected IEA"},
		{"short ISA", "*ZZ*123456789      *", "*ZZ*123456789*", "element separator expected at offset 50"},
		{"misplaced separator", "*ZZ*123456789      *ZZ*BCBSRECEIVER   *", "*ZZ*12345678       *ZZ*BCBSRECEIVER*   ", "element separator expected"},
		{"after IEA", "IEA*1*000000905~", "IEA*1*000000905~GS*BE~", "segments after IEA"},
		{"ISA13 not digits", "*000000905*0*", "*0000009X5*0*", "ISA13 must be a nine-digit control number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := sample(t)
			require.Contains(t, in, tt.old, "the mutation applies")
			_, err := x12.Parse([]byte(strings.Replace(in, tt.old, tt.new, 1)))
			var se *x12.SyntaxError
			require.ErrorAs(t, err, &se)
			require.Contains(t, se.Error(), tt.want)
		})
	}
}

func TestParseTruncated(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "ISA*00*", "GS*BE~"} {
		_, err := x12.Parse([]byte(in))
		require.ErrorContains(t, err, "an interchange starts with a 106-character ISA segment", in)
	}
}

func envelope() *x12.Envelope {
	return &x12.Envelope{SenderID: "123456789", ReceiverID: "BCBSRECEIVER", ControlNumber: 905,
		Time: time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC), FunctionalID: "BE", Version: "005010X220A1"}
}

// TestWriteMatchesSample writes the sample's content and gets the
// hand-written bytes back, line breaks aside.
func TestWriteMatchesSample(t *testing.T) {
	t.Parallel()
	in, err := x12.Parse([]byte(sample(t)))
	require.NoError(t, err)
	out, err := x12.Write(envelope(), []x12.TransactionSet{{ID: "834", Segments: in.Groups[0].Sets[0].Body}}, x12.Delimiters{})
	require.NoError(t, err)
	require.Equal(t, strings.ReplaceAll(sample(t), "\n", ""), string(out))
}

func TestWriteSeveralSets(t *testing.T) {
	t.Parallel()
	env := envelope()
	env.Production = true
	sets := []x12.TransactionSet{
		{ID: "834", Segments: []x12.Segment{{"BGN", "00", "1", "20240501", "1030"}}},
		{ID: "834", Segments: []x12.Segment{{"BGN", "00", "2", "20240501", "1030"}, {"REF", "38", "POL", "", ""}}},
	}
	d := x12.Delimiters{Element: '|', Repetition: '{', Component: '>', Segment: '\n'}
	out, err := x12.Write(env, sets, d)
	require.NoError(t, err)
	ic, err := x12.Parse(out)
	require.NoError(t, err)
	require.Equal(t, d, ic.Delimiters)
	require.Equal(t, "P", ic.ISA.E(15))
	require.Len(t, ic.Groups[0].Sets, 2)
	require.Equal(t, "0002", ic.Groups[0].Sets[1].ST.E(2))
	require.Equal(t, x12.Segment{"REF", "38", "POL"}, ic.Groups[0].Sets[1].Body[1], "trailing empty elements dropped")
	require.Equal(t, "4", ic.Groups[0].Sets[1].SE.E(1))
}

func TestWriteRefuses(t *testing.T) {
	t.Parallel()
	_, err := x12.Write(envelope(), []x12.TransactionSet{{ID: "834", Segments: []x12.Segment{{"NM1", "IL", "1", "O*BRIEN"}}}}, x12.Delimiters{})
	var se *x12.SyntaxError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "NM1", se.ID)
	env := envelope()
	env.SenderID = "A-SENDER-ID-LONGER-THAN-15"
	_, err = x12.Write(env, nil, x12.Delimiters{})
	require.ErrorContains(t, err, "sender ID")
	env = envelope()
	env.ControlNumber = 0
	_, err = x12.Write(env, nil, x12.Delimiters{})
	require.ErrorContains(t, err, "control number")
	_, err = x12.Write(envelope(), nil, x12.Delimiters{Element: '*', Repetition: '*', Component: ':', Segment: '~'})
	require.ErrorContains(t, err, "distinct")
}

// FuzzParse: Parse never panics, and what it accepts is consistent: each
// set's SE01 is its segment count and every trailer matches.
func FuzzParse(f *testing.F) {
	b, err := os.ReadFile("testdata/834_sample.edi")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("ISA"))
	f.Fuzz(func(t *testing.T, in []byte) {
		ic, err := x12.Parse(in)
		if err != nil {
			return
		}
		require.NotEmpty(t, ic.Groups)
		for _, g := range ic.Groups {
			require.Equal(t, g.GS.E(6), g.GE.E(2))
			for _, s := range g.Sets {
				require.Equal(t, s.ST.E(2), s.SE.E(2))
			}
		}
	})
}
