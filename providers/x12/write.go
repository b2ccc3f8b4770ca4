package x12

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Envelope is what the ISA/IEA and GS/GE segments of an interchange of
// one functional group carry.
type Envelope struct {
	// SenderQualifier and SenderID are ISA05 and ISA06; SenderID is also
	// GS02. An empty qualifier means "ZZ" (mutually defined).
	SenderQualifier, SenderID string
	// ReceiverQualifier and ReceiverID are ISA07 and ISA08; ReceiverID is
	// also GS03. An empty qualifier means "ZZ".
	ReceiverQualifier, ReceiverID string
	// ControlNumber is ISA13 (nine digits, zero-padded) and GS06, 1 to
	// 999999999. Trading partners expect it unique per sender.
	ControlNumber int
	// Production makes ISA15 "P"; false means "T", test data.
	Production bool
	// AckRequested makes ISA14 "1": the receiver returns a TA1.
	AckRequested bool
	// Time is the interchange's date and time (ISA09/10, GS04/05).
	Time time.Time
	// FunctionalID is GS01, e.g. "BE" for benefit enrollment (834).
	FunctionalID string
	// Version is GS08, the guide's version, e.g. "005010X220A1"; ST03
	// repeats it.
	Version string
}

// TransactionSet is one ST/SE transaction set's content.
type TransactionSet struct {
	// ID is ST01, e.g. "834".
	ID string
	// Segments are those between ST and SE.
	Segments []Segment
}

// Write renders an interchange of one functional group holding sets,
// numbered 0001, 0002, ..., with every count and control number computed,
// and the segments joined by d (DefaultDelimiters if zero). An element
// holding a delimiter, or an envelope field over its ISA width, is an
// error.
func Write(env *Envelope, sets []TransactionSet, d Delimiters) ([]byte, error) {
	if d == (Delimiters{}) {
		d = DefaultDelimiters
	}
	if !d.valid() {
		return nil, errors.New("x12: delimiters must be distinct punctuation")
	}
	isa, err := env.isa(d)
	if err != nil {
		return nil, err
	}
	w := &writer{d: d}
	w.add(isa)
	icn := fmt.Sprintf("%09d", env.ControlNumber)
	gcn := strconv.Itoa(env.ControlNumber)
	w.add(Segment{"GS", env.FunctionalID, env.SenderID, env.ReceiverID, env.Time.Format("20060102"),
		env.Time.Format("1504"), gcn, "X", env.Version})
	for i, set := range sets {
		scn := fmt.Sprintf("%04d", i+1)
		w.add(Segment{"ST", set.ID, scn, env.Version})
		for _, s := range set.Segments {
			w.add(s)
		}
		w.add(Segment{"SE", strconv.Itoa(len(set.Segments) + 2), scn})
	}
	w.add(Segment{"GE", strconv.Itoa(len(sets)), gcn})
	w.add(Segment{"IEA", "1", icn})
	if w.err != nil {
		return nil, w.err
	}
	return w.buf.Bytes(), nil
}

// isa renders the fixed-width ISA segment.
func (env *Envelope) isa(d Delimiters) (Segment, error) {
	if env.ControlNumber < 1 || env.ControlNumber > 999999999 {
		return nil, fmt.Errorf("x12: control number %d is not 1 to 999999999", env.ControlNumber)
	}
	usage, ack := "T", "0"
	if env.Production {
		usage = "P"
	}
	if env.AckRequested {
		ack = "1"
	}
	fields := []struct {
		name, v string
		width   int
	}{
		{"sender qualifier", or(env.SenderQualifier, "ZZ"), 2}, {"sender ID", env.SenderID, 15},
		{"receiver qualifier", or(env.ReceiverQualifier, "ZZ"), 2}, {"receiver ID", env.ReceiverID, 15},
	}
	for _, f := range fields {
		if f.v == "" || len(f.v) > f.width {
			return nil, fmt.Errorf("x12: %s %q must be 1 to %d characters", f.name, f.v, f.width)
		}
	}
	pad := func(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }
	return Segment{"ISA", "00", pad("", 10), "00", pad("", 10),
		fields[0].v, pad(fields[1].v, 15), fields[2].v, pad(fields[3].v, 15),
		env.Time.Format("060102"), env.Time.Format("1504"), string(d.Repetition), "00501",
		fmt.Sprintf("%09d", env.ControlNumber), ack, usage, string(d.Component)}, nil
}

// writer joins segments, checking that no element holds a delimiter.
type writer struct {
	d   Delimiters
	buf bytes.Buffer
	n   int
	err error
}

func (w *writer) add(s Segment) {
	w.n++
	if w.err != nil {
		return
	}
	isa := s.ID() == "ISA"
	// Trailing empty elements are left out, as the guides require; ISA
	// is fixed-width and keeps all sixteen.
	for !isa && len(s) > 1 && s[len(s)-1] == "" {
		s = s[:len(s)-1]
	}
	for i, e := range s {
		// ISA11 and ISA16 are the repetition and component separators.
		if (!isa || i != 11 && i != 16) && strings.ContainsAny(e, w.d.String()) {
			w.err = &SyntaxError{Segment: w.n, ID: s.ID(), Msg: fmt.Sprintf("element %02d %q holds a delimiter (%s)", i, e, w.d)}
			return
		}
		if i > 0 {
			w.buf.WriteByte(w.d.Element)
		}
		w.buf.WriteString(e)
	}
	w.buf.WriteByte(w.d.Segment)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
