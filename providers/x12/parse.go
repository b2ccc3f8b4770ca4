package x12

import (
	"bytes"
	"fmt"
	"strconv"
)

// Interchange is a parsed ISA/IEA envelope.
type Interchange struct {
	Delimiters Delimiters
	ISA, IEA   Segment
	Groups     []Group
}

// Group is a functional group, GS to GE.
type Group struct {
	GS, GE Segment
	Sets   []Set
}

// Set is a transaction set, ST to SE.
type Set struct {
	ST, SE Segment
	// Body are the segments between ST and SE.
	Body []Segment
}

// isaLen is the fixed length of an ISA segment, terminator included.
const isaLen = 106

// isaSeparators are the offsets of ISA's element separators.
var isaSeparators = []int{3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103}

// Parse reads one interchange and checks its envelope: the fixed-width ISA
// that declares the delimiters; GS/GE and ST/SE properly nested; every
// trailer's count (IEA01 groups, GE01 sets, SE01 segments from ST to SE)
// and control number (IEA02 = ISA13, GE02 = GS06, SE02 = ST02) matching
// its header; ST02 unique within its group. Line breaks after segment
// terminators are allowed. It does not check a transaction set's content.
func Parse(b []byte) (*Interchange, error) {
	b = bytes.TrimLeft(b, " \t\r\n")
	d, err := delimiters(b)
	if err != nil {
		return nil, err
	}
	segs := split(b, d)
	p := &parser{segs: segs}
	return p.interchange(d)
}

// delimiters reads the delimiters from the fixed-width ISA.
func delimiters(b []byte) (Delimiters, error) {
	if len(b) < isaLen || string(b[:3]) != "ISA" {
		return Delimiters{}, &SyntaxError{Msg: "an interchange starts with a 106-character ISA segment"}
	}
	d := Delimiters{Element: b[3], Repetition: b[82], Component: b[104], Segment: b[105]}
	for _, off := range isaSeparators {
		if b[off] != d.Element {
			return Delimiters{}, &SyntaxError{Segment: 1, ID: "ISA", Msg: fmt.Sprintf("element separator expected at offset %d", off)}
		}
	}
	if !d.valid() {
		return Delimiters{}, &SyntaxError{Segment: 1, ID: "ISA", Msg: "delimiters must be distinct punctuation (" + d.String() + ")"}
	}
	return d, nil
}

// split cuts b into segments and elements; surrounding line breaks and a
// final empty piece are dropped.
func split(b []byte, d Delimiters) []Segment {
	var segs []Segment
	for _, raw := range bytes.Split(b, []byte{d.Segment}) {
		raw = bytes.Trim(raw, "\r\n")
		if len(raw) == 0 {
			continue
		}
		parts := bytes.Split(raw, []byte{d.Element})
		s := make(Segment, len(parts))
		for i, p := range parts {
			s[i] = string(p)
		}
		segs = append(segs, s)
	}
	return segs
}

// parser walks the segments in order.
type parser struct {
	segs []Segment
	i    int
}

func (p *parser) peek() string {
	if p.i >= len(p.segs) {
		return ""
	}
	return p.segs[p.i].ID()
}

func (p *parser) errf(format string, args ...any) error {
	id := "end"
	if p.i < len(p.segs) {
		id = p.segs[p.i].ID()
	}
	return &SyntaxError{Segment: p.i + 1, ID: id, Msg: fmt.Sprintf(format, args...)}
}

// expect consumes a segment with the given ID and at least n elements.
func (p *parser) expect(id string, n int) (Segment, error) {
	if p.peek() != id {
		return nil, p.errf("expected %s", id)
	}
	s := p.segs[p.i]
	if len(s)-1 < n {
		return nil, p.errf("%s needs %d elements, has %d", id, n, len(s)-1)
	}
	p.i++
	return s, nil
}

func (p *parser) interchange(d Delimiters) (*Interchange, error) {
	ic := &Interchange{Delimiters: d}
	var err error
	if ic.ISA, err = p.expect("ISA", 16); err != nil {
		return nil, err
	}
	icn, ok := controlNumber(ic.ISA.E(13))
	if !ok || len(ic.ISA.E(13)) != 9 {
		return nil, &SyntaxError{Segment: 1, ID: "ISA", Msg: "ISA13 must be a nine-digit control number"}
	}
	for p.peek() == "GS" {
		g, err := p.group()
		if err != nil {
			return nil, err
		}
		ic.Groups = append(ic.Groups, *g)
	}
	if ic.IEA, err = p.expect("IEA", 2); err != nil {
		return nil, err
	}
	if err := p.trailer(ic.IEA, len(ic.Groups), icn, "IEA01 (groups)", "IEA02 = ISA13"); err != nil {
		return nil, err
	}
	if p.i != len(p.segs) {
		return nil, p.errf("segments after IEA")
	}
	if len(ic.Groups) == 0 {
		return nil, &SyntaxError{Segment: 2, ID: "IEA", Msg: "an interchange holds at least one functional group"}
	}
	return ic, nil
}

func (p *parser) group() (*Group, error) {
	g := &Group{}
	var err error
	if g.GS, err = p.expect("GS", 8); err != nil {
		return nil, err
	}
	gcn, ok := controlNumber(g.GS.E(6))
	if !ok {
		p.i--
		return nil, p.errf("GS06 must be a control number of 1 to 9 digits")
	}
	seen := map[string]bool{}
	for p.peek() == "ST" {
		s, err := p.set()
		if err != nil {
			return nil, err
		}
		if seen[s.ST.E(2)] {
			p.i--
			return nil, p.errf("ST02 %s repeats within the group", s.ST.E(2))
		}
		seen[s.ST.E(2)] = true
		g.Sets = append(g.Sets, *s)
	}
	if g.GE, err = p.expect("GE", 2); err != nil {
		return nil, err
	}
	if len(g.Sets) == 0 {
		p.i--
		return nil, p.errf("a functional group holds at least one transaction set")
	}
	return g, p.trailer(g.GE, len(g.Sets), gcn, "GE01 (sets)", "GE02 = GS06")
}

func (p *parser) set() (*Set, error) {
	start := p.i
	s := &Set{}
	var err error
	if s.ST, err = p.expect("ST", 2); err != nil {
		return nil, err
	}
	scn := s.ST.E(2)
	if _, ok := controlNumber(scn); !ok || len(scn) < 4 {
		p.i--
		return nil, p.errf("ST02 must be a control number of 4 to 9 digits")
	}
	for id := p.peek(); id != "SE"; id = p.peek() {
		if id == "" || id == "ST" || id == "GE" || id == "GS" || id == "IEA" || id == "ISA" {
			return nil, p.errf("transaction set %s has no SE", scn)
		}
		s.Body = append(s.Body, p.segs[p.i])
		p.i++
	}
	if s.SE, err = p.expect("SE", 2); err != nil {
		return nil, err
	}
	if s.SE.E(2) != scn {
		p.i--
		return nil, p.errf("SE02 %s does not match ST02 %s", s.SE.E(2), scn)
	}
	return s, p.trailer(s.SE, p.i-start, -1, "SE01 (segments from ST to SE)", "")
}

// trailer checks a trailer's count (element 1) and, unless cn is -1, its
// control number (element 2).
func (p *parser) trailer(s Segment, count, cn int, countName, cnName string) error {
	if n, err := strconv.Atoi(s.E(1)); err != nil || n != count {
		p.i--
		return p.errf("%s is %s, counted %d", countName, s.E(1), count)
	}
	if cn < 0 {
		return nil
	}
	if n, ok := controlNumber(s.E(2)); !ok || n != cn {
		p.i--
		return p.errf("%s: %s is not %d", cnName, s.E(2), cn)
	}
	return nil
}
