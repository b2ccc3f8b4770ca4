package x12

import (
	"fmt"
	"strconv"
	"strings"
)

// Delimiters are an interchange's separators, declared by its ISA segment.
type Delimiters struct {
	// Element separates elements (ISA's fourth character).
	Element byte
	// Repetition separates repeated elements (ISA11).
	Repetition byte
	// Component separates the components of a composite element (ISA16).
	Component byte
	// Segment ends each segment (the character after ISA16).
	Segment byte
}

// DefaultDelimiters are the customary ones: * ^ : ~.
var DefaultDelimiters = Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}

func (d Delimiters) String() string {
	return string([]byte{d.Element, d.Repetition, d.Component, d.Segment})
}

// valid reports whether the four delimiters are distinct and none is a
// letter, digit or space (which data elements use).
func (d Delimiters) valid() bool {
	ds := []byte{d.Element, d.Repetition, d.Component, d.Segment}
	for i, c := range ds {
		if c == ' ' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c < 0x20 && c != '\n' && c != '\r' {
			return false
		}
		for _, o := range ds[i+1:] {
			if c == o {
				return false
			}
		}
	}
	return true
}

// Segment is one segment: its ID then its elements, so that s[1] is the
// element numbered 01 in the implementation guides (ISA01, BGN01, ...).
type Segment []string

// ID returns the segment's identifier, e.g. "INS".
func (s Segment) ID() string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// E returns element i (1-based, as the guides number them), or "" if the
// segment has fewer elements.
func (s Segment) E(i int) string {
	if i < 1 || i >= len(s) {
		return ""
	}
	return s[i]
}

// String renders the segment with the default delimiters, without its
// terminator, for messages.
func (s Segment) String() string { return strings.Join(s, "*") }

// SyntaxError is an interchange that breaks the X12 envelope rules.
type SyntaxError struct {
	// Segment is the failing segment's position in the interchange,
	// 1-based; 0 for the interchange as a whole.
	Segment int
	// ID is the failing segment's identifier, if known.
	ID string
	// Msg says what is wrong.
	Msg string
}

// Error returns "x12: segment N (ID): msg".
func (e *SyntaxError) Error() string {
	if e.Segment == 0 {
		return "x12: " + e.Msg
	}
	return fmt.Sprintf("x12: segment %d (%s): %s", e.Segment, e.ID, e.Msg)
}

// controlNumber parses an envelope control number: 1 to 9 digits.
func controlNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
