package recordkeeper

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// LayoutVersion names this package's contribution file layout; it is the
// header record's second field.
const LayoutVersion = "INTIME-401K-1"

// ContributionFile is the payload of [OpSend] and [OpRender]: one
// payroll's contributions for one plan.
type ContributionFile struct {
	// FileID numbers the file (header field 7 and the file name), 1 to
	// 999999999. Zero derives it from the operation's idempotency key, or
	// else from the clock (see the package doc).
	FileID int `json:"fileId,omitempty"`
	// PayrollDate is the pay date the contributions were withheld on,
	// YYYY-MM-DD (required).
	PayrollDate string `json:"payrollDate"`
	// Contributions are one per employee (required, at least one; an SSN
	// at most once).
	Contributions []Contribution `json:"contributions"`
}

// Contribution is one employee's contributions of the payroll. Amounts
// are in cents, zero or more.
type Contribution struct {
	// SSN is nine digits (required).
	SSN string `json:"ssn"`
	// EmployeeID is the employer's ID for the employee (required).
	EmployeeID string `json:"employeeId"`
	LastName   string `json:"lastName"`
	FirstName  string `json:"firstName"`
	// BirthDate and HireDate are YYYY-MM-DD (required).
	BirthDate string `json:"birthDate"`
	HireDate  string `json:"hireDate"`
	// TerminationDate is YYYY-MM-DD, if the employee left.
	TerminationDate string `json:"terminationDate,omitempty"`
	// CompensationCents is the period's plan compensation.
	CompensationCents int64 `json:"compensationCents"`
	// PreTaxCents is the employee's pre-tax deferral (source EE).
	PreTaxCents int64 `json:"preTaxCents"`
	// RothCents is the employee's Roth deferral.
	RothCents int64 `json:"rothCents"`
	// MatchCents is the employer's matching contribution.
	MatchCents int64 `json:"matchCents"`
	// LoanCents is a loan repayment withheld.
	LoanCents int64 `json:"loanCents"`
	// HoursHundredths are the period's hours worked, in hundredths.
	HoursHundredths int64 `json:"hoursHundredths"`
}

var (
	ssnRE    = regexp.MustCompile(`^\d{9}$`)
	textRE   = regexp.MustCompile(`^[^\x00-\x1f\x7f]*$`)
	errField = errors.New("recordkeeper: invalid contribution file")
)

// validate checks the file, naming each invalid field by its path.
func (f *ContributionFile) validate() error {
	var msgs []string
	add := func(path, msg string) { msgs = append(msgs, path+" "+msg) }
	if !validDate(f.PayrollDate, true) {
		add("payrollDate", "must be a date YYYY-MM-DD")
	}
	if len(f.Contributions) == 0 {
		add("contributions", "at least one contribution is required")
	}
	seen := map[string]int{}
	for i, c := range f.Contributions {
		p := fmt.Sprintf("contributions[%d].", i)
		if j, dup := seen[c.SSN]; dup && c.SSN != "" {
			add(p+"ssn", fmt.Sprintf("repeats contributions[%d]: one record per employee", j))
		}
		seen[c.SSN] = i
		for _, m := range c.problems() {
			add(p+m[0], m[1])
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", errField, strings.Join(msgs, "; "))
}

// problems returns [field, message] pairs.
func (c *Contribution) problems() [][2]string {
	var out [][2]string
	bad := func(f, m string) { out = append(out, [2]string{f, m}) }
	if !ssnRE.MatchString(c.SSN) {
		bad("ssn", "must be nine digits")
	}
	for _, t := range []struct {
		name, v string
		max     int
	}{{"employeeId", c.EmployeeID, 30}, {"lastName", c.LastName, 60}, {"firstName", c.FirstName, 35}} {
		switch {
		case strings.TrimSpace(t.v) == "":
			bad(t.name, "is required")
		case len(t.v) > t.max || !textRE.MatchString(t.v):
			bad(t.name, fmt.Sprintf("must be at most %d characters without control characters", t.max))
		}
	}
	for _, d := range []struct {
		name, v  string
		required bool
	}{{"birthDate", c.BirthDate, true}, {"hireDate", c.HireDate, true}, {"terminationDate", c.TerminationDate, false}} {
		if !validDate(d.v, d.required) {
			bad(d.name, "must be a date YYYY-MM-DD")
		}
	}
	for _, a := range c.amounts() {
		if a.v < 0 {
			bad(a.name, "must not be negative")
		}
	}
	return out
}

type amount struct {
	name string
	v    int64
}

// amounts are the record's amounts in layout order.
func (c *Contribution) amounts() []amount {
	return []amount{{"compensationCents", c.CompensationCents}, {"preTaxCents", c.PreTaxCents},
		{"rothCents", c.RothCents}, {"matchCents", c.MatchCents}, {"loanCents", c.LoanCents}}
}

func validDate(s string, required bool) bool {
	if s == "" {
		return !required
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// render writes the file in the documented layout (see the package doc).
func render(st *settings, f *ContributionFile, id int, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	records := [][]string{{"H", LayoutVersion, st.planNumber, st.sponsorName, st.sponsorTaxID, date(f.PayrollDate),
		strconv.Itoa(id), now.UTC().Format("20060102150405")}}
	totals := make([]int64, 5)
	for _, c := range f.Contributions {
		rec := []string{"D", c.SSN, c.EmployeeID, c.LastName, c.FirstName, date(c.BirthDate), date(c.HireDate),
			date(c.TerminationDate)}
		for i, a := range c.amounts() {
			rec = append(rec, money(a.v))
			totals[i] += a.v
		}
		records = append(records, append(rec, money(c.HoursHundredths)))
	}
	trailer := []string{"T", strconv.Itoa(len(f.Contributions))}
	for _, t := range totals {
		trailer = append(trailer, money(t))
	}
	if err := w.WriteAll(append(records, trailer)); err != nil {
		return nil, fmt.Errorf("recordkeeper: write csv: %w", err)
	}
	return buf.Bytes(), nil
}

// money renders hundredths as a decimal with two places: 123456 → 1234.56.
func money(v int64) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }

// date turns YYYY-MM-DD (validated) into YYYYMMDD; "" stays "".
func date(s string) string { return strings.ReplaceAll(s, "-", "") }

// sameFile reports whether old is the file that now renders, but for the
// header's creation time (field 8): the same file rendered again by a
// retry.
func sameFile(old, now []byte) bool {
	a, b := readCSV(old), readCSV(now)
	if len(a) == 0 || len(a[0]) < 8 || len(b) == 0 || len(b[0]) < 8 {
		return false
	}
	a[0][7], b[0][7] = "", ""
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// readCSV reads records of any width; nil if b is not CSV.
func readCSV(b []byte) [][]string {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil
	}
	return recs
}
