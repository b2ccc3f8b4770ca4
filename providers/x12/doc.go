// Package x12 writes and reads the envelope of ANSI ASC X12 interchanges
// (version 005010), the format of benefit enrollment files (834) and of
// most US healthcare and insurance EDI.
//
// # Structure
//
// An interchange is an ISA header, one or more functional groups (GS to
// GE), each of one or more transaction sets (ST to SE), and an IEA
// trailer. Segments end with the segment terminator and their elements are
// separated by the element separator; both, with the repetition separator
// (ISA11) and the component separator (ISA16), are declared by the ISA
// segment, which is fixed-width: 106 characters, terminator included.
// [Segment] numbers elements as the implementation guides do (s.E(1) is
// BGN01).
//
// # Writing
//
// [Write] renders an interchange of one functional group from an
// [Envelope] and [TransactionSet]s: it pads the ISA, numbers the sets
// 0001, 0002, ..., computes SE01 (segments from ST to SE inclusive),
// GE01, IEA01 and the matching control numbers, drops trailing empty
// elements, and refuses an element that holds a delimiter.
//
// # Reading
//
// [Parse] reads the delimiters from the ISA and checks the envelope:
// nesting, every trailer's count and control number against its header,
// unique ST02 within a group. Content rules (which loops and segments a
// transaction set must have) belong to the guide of each transaction set
// and are the caller's. Errors are *[SyntaxError] values naming the
// segment's position.
package x12
