package carrier

import (
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers/x12"
)

// The 834's identifiers.
const (
	// GuideVersion is the implementation guide: benefit enrollment and
	// maintenance, version 5010, with its addenda (GS08, ST03).
	GuideVersion = "005010X220A1"
	// functionalID is GS01 for 834s.
	functionalID = "BE"
)

// render builds the interchange of f for st with control number icn at
// time now.
func render(st *settings, f *EnrollmentFile, icn int, now time.Time) ([]byte, error) {
	env := &x12.Envelope{SenderID: st.senderID, ReceiverID: st.receiverID, ControlNumber: icn,
		Production: st.production, Time: now, FunctionalID: functionalID, Version: GuideVersion}
	return x12.Write(env, []x12.TransactionSet{{ID: "834", Segments: body(st, f, now)}}, x12.DefaultDelimiters)
}

// body returns the segments between ST and SE: the header (BGN, REF*38,
// QTY), loops 1000A and 1000B, and a loop 2000 per member.
func body(st *settings, f *EnrollmentFile, now time.Time) []x12.Segment {
	action := "2" // change (update)
	if f.FullFile {
		action = "RX" // replace
	}
	segs := []x12.Segment{{"BGN", "00", up(f.ReferenceID), now.Format("20060102"), now.Format("1504"), "", "", "", action}}
	if f.PolicyNumber != "" {
		segs = append(segs, x12.Segment{"REF", "38", up(f.PolicyNumber)})
	}
	segs = append(segs, x12.Segment{"QTY", "TO", strconv.Itoa(len(f.Members))})
	segs = append(segs, x12.Segment{"N1", "P5", st.sponsorName, "FI", st.sponsorTaxID})
	payer := x12.Segment{"N1", "IN", st.carrier.PayerName, "FI", st.payerTaxID}
	if st.payerTaxID == "" {
		payer = x12.Segment{"N1", "IN", st.carrier.PayerName, "94", st.receiverID}
	}
	segs = append(segs, payer)
	for i := range f.Members {
		segs = append(segs, member(st, &f.Members[i])...)
	}
	return segs
}

// member returns loop 2000 (INS, REF, DTP), loop 2100A (NM1, PER, N3,
// N4, DMG) and a loop 2300 (HD, DTP) per coverage.
func member(st *settings, m *Member) []x12.Segment {
	self := m.Relationship == RelationshipSelf
	ins := x12.Segment{"INS", "N", relationshipCodes[m.Relationship], actionCodes[m.Action],
		or(m.Reason, defaultReasons[m.Action]), "A", "", "", ""}
	if self {
		ins[1], ins[8] = "Y", or(m.EmploymentStatus, "FT")
	}
	segs := []x12.Segment{ins, {"REF", "0F", up(m.SubscriberID)}}
	if m.GroupNumber != "" {
		segs = append(segs, x12.Segment{"REF", "1L", up(m.GroupNumber)})
	}
	if m.HireDate != "" {
		segs = append(segs, x12.Segment{"DTP", "336", "D8", date(m.HireDate)})
	}
	nm1 := x12.Segment{"NM1", "IL", "1", up(m.LastName), up(m.FirstName), up(m.MiddleName), "", "", "", ""}
	if m.SSN != "" {
		nm1[8], nm1[9] = "34", m.SSN
	}
	segs = append(segs, nm1)
	if per := contact(m); per != nil {
		segs = append(segs, per)
	}
	if a := m.Address; a != nil {
		segs = append(segs, x12.Segment{"N3", up(a.Line1), up(a.Line2)}, x12.Segment{"N4", up(a.City), a.State, a.Zip})
	}
	segs = append(segs, x12.Segment{"DMG", "D8", date(m.BirthDate), m.Gender})
	for _, c := range m.Coverages {
		segs = append(segs, x12.Segment{"HD", actionCodes[m.Action], "", st.carrier.InsuranceLine, up(c.PlanCode), c.Level},
			x12.Segment{"DTP", "348", "D8", date(c.Start)})
		if c.End != "" {
			segs = append(segs, x12.Segment{"DTP", "349", "D8", date(c.End)})
		}
	}
	return segs
}

// contact returns PER*IP with the phone (TE) and email (EM), or nil.
func contact(m *Member) x12.Segment {
	per := x12.Segment{"PER", "IP", ""}
	if m.Phone != "" {
		per = append(per, "TE", digitsOnly(m.Phone))
	}
	if m.Email != "" {
		per = append(per, "EM", m.Email)
	}
	if len(per) == 3 {
		return nil
	}
	return per
}

// date turns YYYY-MM-DD (validated) into CCYYMMDD.
func date(s string) string { return strings.ReplaceAll(s, "-", "") }

func up(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sameFile reports whether old is the interchange that now renders, but
// for its timestamps (ISA09/10, GS04/05, BGN03/04): the same file rendered
// again by a retry.
func sameFile(old, now []byte) bool {
	a, err := x12.Parse(old)
	if err != nil {
		return false
	}
	b, err := x12.Parse(now)
	if err != nil {
		return false
	}
	return reflect.DeepEqual(untimed(a), untimed(b))
}

// untimed blanks an interchange's timestamps.
func untimed(ic *x12.Interchange) *x12.Interchange {
	ic.ISA[9], ic.ISA[10] = "", ""
	for gi := range ic.Groups {
		g := &ic.Groups[gi]
		g.GS[4], g.GS[5] = "", ""
		for si := range g.Sets {
			for _, seg := range g.Sets[si].Body {
				if seg.ID() == "BGN" && len(seg) > 4 {
					seg[3], seg[4] = "", ""
				}
			}
		}
	}
	return ic
}
