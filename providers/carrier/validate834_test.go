package carrier_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers/x12"
)

// This file is the test's own reading of an 834 (005010X220A1): the
// envelope by x12.Parse, the transaction set's header, loops and required
// segments by the rules below, written from the implementation guide and
// checked against a hand-written file, independently of the provider's
// writer.

// member834 is one loop 2000 as read.
type member834 struct {
	INS, NM1, DMG x12.Segment
	SubscriberID  string
	Coverages     []coverage834
}

type coverage834 struct {
	HD         x12.Segment
	Start, End string
}

// file834 is a read 834.
type file834 struct {
	ic      *x12.Interchange
	bgn     x12.Segment
	sponsor x12.Segment
	payer   x12.Segment
	members []member834
}

var (
	date8 = regexp.MustCompile(`^\d{8}$`)
	time4 = regexp.MustCompile(`^\d{4}$`)
)

// read834 checks data against the guide's envelope and structure rules.
func read834(data []byte) (*file834, error) {
	ic, err := x12.Parse(data)
	if err != nil {
		return nil, err
	}
	switch {
	case ic.ISA.E(12) != "00501":
		return nil, errors.New("ISA12 is not 00501")
	case len(ic.Groups) != 1:
		return nil, errors.New("one functional group expected")
	}
	g := ic.Groups[0]
	switch {
	case g.GS.E(1) != "BE":
		return nil, errors.New("GS01 is not BE")
	case g.GS.E(8) != "005010X220A1":
		return nil, errors.New("GS08 is not 005010X220A1")
	case g.GS.E(2) != strings.TrimSpace(ic.ISA.E(6)) || g.GS.E(3) != strings.TrimSpace(ic.ISA.E(8)):
		return nil, errors.New("GS02/GS03 do not match ISA06/ISA08")
	case len(g.Sets) != 1:
		return nil, errors.New("one transaction set expected")
	case g.Sets[0].ST.E(1) != "834" || g.Sets[0].ST.E(3) != "005010X220A1":
		return nil, errors.New("ST is not 834 005010X220A1")
	}
	return readSet(ic, g.Sets[0].Body)
}

func readSet(ic *x12.Interchange, body []x12.Segment) (*file834, error) {
	f := &file834{ic: ic}
	if len(body) == 0 || body[0].ID() != "BGN" {
		return nil, errors.New("BGN must follow ST")
	}
	f.bgn = body[0]
	if !slices.Contains([]string{"00", "15", "22"}, f.bgn.E(1)) || f.bgn.E(2) == "" || !date8.MatchString(f.bgn.E(3)) ||
		!time4.MatchString(f.bgn.E(4)) || !slices.Contains([]string{"2", "4", "RX"}, f.bgn.E(8)) {
		return nil, fmt.Errorf("BGN is invalid: %v", f.bgn)
	}
	i := 1
	qty := -1
	for ; i < len(body) && body[i].ID() != "N1"; i++ {
		switch s := body[i]; s.ID() {
		case "REF", "DTP":
		case "QTY":
			if s.E(1) == "TO" {
				qty, _ = strconv.Atoi(s.E(2))
			}
		default:
			return nil, fmt.Errorf("%s is not a header segment", s.ID())
		}
	}
	if i+1 >= len(body) || body[i].E(1) != "P5" || body[i+1].ID() != "N1" || body[i+1].E(1) != "IN" {
		return nil, errors.New("loops 1000A (N1*P5) and 1000B (N1*IN) are required, in that order")
	}
	f.sponsor, f.payer = body[i], body[i+1]
	if !slices.Contains([]string{"FI", "24", "94"}, f.sponsor.E(3)) || f.sponsor.E(4) == "" ||
		!slices.Contains([]string{"FI", "XV", "94"}, f.payer.E(3)) || f.payer.E(4) == "" {
		return nil, errors.New("N103/N104 identify the sponsor and the payer")
	}
	if err := f.readMembers(body[i+2:]); err != nil {
		return nil, err
	}
	if qty >= 0 && qty != len(f.members) {
		return nil, fmt.Errorf("QTY*TO is %d, the file has %d members", qty, len(f.members))
	}
	return f, nil
}

// readMembers splits the loops 2000 at each INS and checks each.
func (f *file834) readMembers(segs []x12.Segment) error {
	if len(segs) == 0 || segs[0].ID() != "INS" {
		return errors.New("loop 2000 (INS) must follow loop 1000B")
	}
	start := 0
	for i := 1; i <= len(segs); i++ {
		if i < len(segs) && segs[i].ID() != "INS" {
			continue
		}
		m, err := readMember(segs[start:i])
		if err != nil {
			return fmt.Errorf("member %d: %w", len(f.members), err)
		}
		if len(f.members) == 0 && m.INS.E(1) != "Y" {
			return errors.New("the first member must be a subscriber")
		}
		f.members = append(f.members, *m)
		start = i
	}
	return nil
}

func readMember(loop []x12.Segment) (*member834, error) {
	m := &member834{INS: loop[0]}
	ins := m.INS
	switch {
	case ins.E(1) != "Y" && ins.E(1) != "N":
		return nil, errors.New("INS01 must be Y or N")
	case (ins.E(1) == "Y") != (ins.E(2) == "18"):
		return nil, errors.New("INS02 is 18 exactly for the subscriber")
	case !slices.Contains([]string{"001", "021", "024", "025", "030"}, ins.E(3)):
		return nil, errors.New("INS03 is not a maintenance type code")
	case !slices.Contains([]string{"A", "C", "S", "T"}, ins.E(5)):
		return nil, errors.New("INS05 is not a benefit status code")
	case len(loop) < 2 || loop[1].ID() != "REF" || loop[1].E(1) != "0F" || loop[1].E(2) == "":
		return nil, errors.New("REF*0F must follow INS")
	}
	m.SubscriberID = loop[1].E(2)
	var cov *coverage834
	for _, s := range loop[2:] {
		switch {
		case s.ID() == "NM1" && s.E(1) == "IL":
			m.NM1 = s
		case s.ID() == "DMG":
			if m.NM1 == nil || s.E(1) != "D8" || !date8.MatchString(s.E(2)) {
				return nil, errors.New("DMG belongs to loop 2100A with a D8 date")
			}
			m.DMG = s
		case s.ID() == "HD":
			if m.NM1 == nil {
				return nil, errors.New("loop 2100A (NM1*IL) must come before loop 2300")
			}
			m.Coverages = append(m.Coverages, coverage834{HD: s})
			cov = &m.Coverages[len(m.Coverages)-1]
		case s.ID() == "DTP" && cov != nil:
			if s.E(2) != "D8" || !date8.MatchString(s.E(3)) {
				return nil, errors.New("loop 2300 DTP needs a D8 date")
			}
			switch s.E(1) {
			case "348":
				cov.Start = s.E(3)
			case "349":
				cov.End = s.E(3)
			}
		}
	}
	if m.NM1 == nil || m.NM1.E(3) == "" {
		return nil, errors.New("loop 2100A (NM1*IL with a last name) is required")
	}
	for _, c := range m.Coverages {
		if c.Start == "" {
			return nil, errors.New("loop 2300 needs its benefit begin date (DTP*348)")
		}
	}
	return m, nil
}

func sample834(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/834_sample.edi")
	require.NoError(t, err)
	return string(b)
}

// TestRead834 checks the test's reader itself: it accepts a hand-written
// 834 and refuses each broken variant.
func TestRead834(t *testing.T) {
	t.Parallel()
	f, err := read834([]byte(sample834(t)))
	require.NoError(t, err)
	require.Len(t, f.members, 1)
	require.Equal(t, "PPO500", f.members[0].Coverages[0].HD.E(4))
	require.Equal(t, "20240601", f.members[0].Coverages[0].Start)
	_, err = time.Parse("20060102", f.bgn.E(3))
	require.NoError(t, err)

	broken := []struct{ name, old, new, want string }{
		{"no REF*0F", "REF*0F*123456789~\n", "", "REF*0F must follow INS"},
		{"subscriber not 18", "INS*Y*18", "INS*Y*19", "INS02 is 18 exactly for the subscriber"},
		{"no benefit begin", "DTP*348*D8*20240601~\n", "", "benefit begin date"},
		{"no sponsor", "N1*P5*ACME STAFFING*FI*123456789~\n", "", "loops 1000A (N1*P5) and 1000B"},
		{"wrong guide", "*X*005010X220A1~", "*X*005010X221A1~", "GS08"},
		{"bad maintenance type", "INS*Y*18*021", "INS*Y*18*099", "INS03"},
		{"BGN action", "****2~", "****9~", "BGN is invalid"},
		{"SE01 count", "SE*13*", "SE*14*", "SE01"},
	}
	for _, b := range broken {
		in := sample834(t)
		require.Contains(t, in, b.old, b.name)
		in = strings.Replace(in, b.old, b.new, 1)
		if b.new == "" { // keep SE01 right so that only the rule under test breaks
			in = strings.Replace(in, "SE*13*", "SE*12*", 1)
		}
		_, err := read834([]byte(in))
		require.ErrorContains(t, err, b.want, b.name)
	}
}
