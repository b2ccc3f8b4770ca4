package storage

import "strconv"

// Limits of PostgreSQL's numeric, which jsonb stores every number as.
const (
	// numericMaxLead is the highest decimal position of a number's first
	// significant digit: 131,072 digits before the point.
	numericMaxLead = 131071
	// numericMaxScale is the most digits after the point, as written
	// (trailing zeros count).
	numericMaxScale = 16383
	// numericMaxExp is the exponent PostgreSQL refuses before anything else
	// (INT_MAX/2), even for zero.
	numericMaxExp = 1073741823
)

// jsonbProblem says why PostgreSQL's jsonb would refuse b, which must be
// valid JSON, or returns "". jsonb refuses what json.Valid accepts in two
// places: strings with \u0000 or half of a surrogate pair, and numbers
// outside numeric's range (1e131072, 1e-16384, 1.0e-16383, 0e-99999).
func jsonbProblem(b []byte) string {
	for i := 0; i < len(b); {
		var n int
		var p string
		switch c := b[i]; {
		case c == '"':
			n, p = jsonbString(b[i:])
		case c == '-' || c >= '0' && c <= '9':
			n, p = jsonbNumber(b[i:])
		default:
			n = 1
		}
		if p != "" {
			return p
		}
		i += n
	}
	return ""
}

// jsonbString checks the string at the start of b and returns its length.
func jsonbString(b []byte) (int, string) {
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '"':
			return i + 1, ""
		case '\\':
			if b[i+1] != 'u' {
				i++ // a one-character escape, \\ and \" included
				continue
			}
			n, p := jsonbEscape(b[i:])
			if p != "" {
				return 0, p
			}
			i += n - 1
		}
	}
	return len(b), ""
}

// jsonbEscape checks the \u escape (or surrogate pair of escapes) at the
// start of b and returns its length.
func jsonbEscape(b []byte) (int, string) {
	const half = "holds half of a UTF-16 surrogate pair, which PostgreSQL's jsonb cannot store"
	r := hex4(b[2:6])
	switch {
	case r == 0:
		return 0, `holds \u0000, which PostgreSQL's jsonb cannot store`
	case r >= 0xdc00 && r <= 0xdfff:
		return 0, half
	case r >= 0xd800 && r <= 0xdbff:
		if len(b) < 12 || b[6] != '\\' || b[7] != 'u' {
			return 0, half
		}
		if lo := hex4(b[8:12]); lo < 0xdc00 || lo > 0xdfff {
			return 0, half
		}
		return 12, ""
	}
	return 6, ""
}

// hex4 parses the four hex digits of a \u escape.
func hex4(b []byte) uint64 {
	n, _ := strconv.ParseUint(string(b), 16, 16)
	return n
}

// jsonbNumber checks the number at the start of b against numeric's range
// and returns its length.
func jsonbNumber(b []byte) (int, string) {
	i := 0
	if b[i] == '-' {
		i++
	}
	intStart := i
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	intDigits := b[intStart:i]
	var frac []byte
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		frac = b[start:i]
	}
	var exp int64
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		var n int
		exp, n = jsonExponent(b[i+1:])
		i += 1 + n
	}
	if numericOverflows(intDigits, frac, exp) {
		return 0, "holds a number outside the range of PostgreSQL's numeric, which jsonb stores numbers as"
	}
	return i, ""
}

// jsonExponent parses an exponent (sign and digits), saturating far beyond
// numeric's range, and returns it with its length.
func jsonExponent(b []byte) (int64, int) {
	i, neg := 0, false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var e int64
	for i < len(b) && isDigit(b[i]) {
		if e < 1<<40 {
			e = e*10 + int64(b[i]-'0')
		}
		i++
	}
	if neg {
		e = -e
	}
	return e, i
}

// numericOverflows reports whether PostgreSQL's numeric refuses the number
// intDigits.frac × 10^exp, as numeric_in does.
func numericOverflows(intDigits, frac []byte, exp int64) bool {
	if exp >= numericMaxExp || exp <= -numericMaxExp {
		return true
	}
	if int64(len(frac))-exp > numericMaxScale {
		return true
	}
	zeros := 0
	for _, d := range intDigits {
		if d != '0' {
			break
		}
		zeros++
	}
	if zeros == len(intDigits) {
		for _, d := range frac {
			if d != '0' {
				break
			}
			zeros++
		}
	}
	if zeros == len(intDigits)+len(frac) {
		return false // zero
	}
	lead := int64(len(intDigits)) - 1 + exp - int64(zeros)
	return lead > numericMaxLead
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
