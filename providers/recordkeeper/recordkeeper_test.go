package recordkeeper_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/recordkeeper"
	"github.com/intimeos/integrations/providers/sftpdrop"
	"github.com/intimeos/integrations/providers/sftpdrop/sftptest"
)

func settings(srv *sftptest.Server, rk string) providers.Settings {
	return testkit.With(srv.Settings(), recordkeeper.FieldRecordkeeper, rk,
		sftpdrop.FieldHostKey, srv.HostKeyFingerprint(), recordkeeper.FieldPlanNumber, "PLAN-04417",
		recordkeeper.FieldSponsorName, "Acme Staffing, Inc.", recordkeeper.FieldSponsorTaxID, "123456789")
}

var (
	op   = testkit.Op
	with = testkit.With
)

func decodeResult[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

func payroll() *recordkeeper.ContributionFile {
	return &recordkeeper.ContributionFile{PayrollDate: "2024-05-15", Contributions: []recordkeeper.Contribution{
		{SSN: "123456789", EmployeeID: "E-1", LastName: "Doe", FirstName: "John", BirthDate: "1980-01-15",
			HireDate: "2019-03-01", CompensationCents: 384615, PreTaxCents: 23077, RothCents: 0, MatchCents: 11538,
			LoanCents: 5000, HoursHundredths: 8000},
		{SSN: "987654321", EmployeeID: "E-2", LastName: "O'Neil, Jr.", FirstName: "Ann \"Annie\"", BirthDate: "1975-11-11",
			HireDate: "2010-06-01", TerminationDate: "2024-05-10", CompensationCents: 120000, PreTaxCents: 0,
			RothCents: 6000, MatchCents: 3000, HoursHundredths: 2450},
	}}
}

// plugin starts the test binary as the recordkeeper plugin: the one call
// to providertest.Plugin.
func plugin(t testing.TB) providers.Provider { return providertest.Plugin(t, recordkeeper.Name) }

// readLayout reads a contribution file by the package doc's layout: CSV,
// CRLF, a header, detail records and a trailer whose count and totals
// match the details.
func readLayout(t *testing.T, data []byte) [][]string {
	t.Helper()
	require.True(t, bytes.HasSuffix(data, []byte("\r\n")), "CRLF line ends")
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(recs), 3)
	h, tr := recs[0], recs[len(recs)-1]
	require.Len(t, h, 8)
	require.Equal(t, []string{"H", "INTIME-401K-1"}, h[:2])
	require.Len(t, tr, 7)
	require.Equal(t, "T", tr[0])
	details := recs[1 : len(recs)-1]
	require.Equal(t, strconv.Itoa(len(details)), tr[1], "trailer count")
	for col := 8; col <= 12; col++ {
		var sum int64
		for _, d := range details {
			require.Len(t, d, 14)
			require.Equal(t, "D", d[0])
			sum += cents(t, d[col])
		}
		require.Equal(t, sum, cents(t, tr[col-6]), "trailer total of column %d", col+1)
	}
	return recs
}

// cents reads an amount of the layout: digits, a point, two digits.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	require.Regexp(t, `^\d+\.\d{2}$`, s)
	n, err := strconv.ParseInt(s[:len(s)-3]+s[len(s)-2:], 10, 64)
	require.NoError(t, err)
	return n
}

func suite(t *testing.T) *providertest.Suite {
	srv := sftptest.New(t, nil)
	good := settings(srv, recordkeeper.RecordkeeperFidelity)
	send := op(recordkeeper.OpSend, payroll())
	_, stranger := sftptest.NewKey(t)
	dup := payroll()
	dup.Contributions[1].SSN = dup.Contributions[0].SSN
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "send", Op: send, Check: func(t *testing.T, r *providers.Result) {
				d := decodeResult[recordkeeper.Delivery](t, r)
				require.Equal(t, 2, d.Records)
				readLayout(t, srv.File(t, d.Path))
			}},
			{Name: "render", Op: op(recordkeeper.OpRender, payroll()), Check: func(t *testing.T, r *providers.Result) {
				readLayout(t, []byte(decodeResult[recordkeeper.Rendered](t, r).Content))
			}},
		},
		Failures: []providertest.Failure{
			{Name: "unknown client key", Settings: with(good, sftpdrop.FieldPrivateKey, stranger), Op: send, Kind: providers.KindAuth},
			{Name: "missing folder", Settings: with(good, sftpdrop.FieldDirectory, "nowhere"), Op: send, Kind: providers.KindInvalidInput},
			{Name: "duplicate ssn", Op: op(recordkeeper.OpSend, dup), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: recordkeeper.OpSend, Payload: []byte(`[`)}, Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, against a real SFTP server.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, recordkeeper.New(nil), plugin, suite)
}

// TestLayout checks the delivered file field by field against the
// documented layout.
func TestLayout(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	at := time.Date(2024, 5, 16, 9, 30, 5, 0, time.UTC)
	p := recordkeeper.New(&recordkeeper.Config{Now: func() time.Time { return at }})
	for _, rk := range recordkeeper.Recordkeepers {
		t.Run(rk.Name, func(t *testing.T) {
			f := payroll()
			f.FileID = 31
			d, err := recordkeeper.Send(t.Context(), providers.NewInstance(rk.Name, p, settings(srv, rk.Name), nil), f, "")
			require.NoError(t, err)
			require.Equal(t, "401k_"+rk.Code+"_PLAN-04417_20240515_000000031.csv", d.FileName)
			recs := readLayout(t, srv.File(t, d.Path))
			require.Equal(t, [][]string{
				{"H", "INTIME-401K-1", "PLAN-04417", "Acme Staffing, Inc.", "123456789", "20240515", "31", "20240516093005"},
				{"D", "123456789", "E-1", "Doe", "John", "19800115", "20190301", "", "3846.15", "230.77", "0.00", "115.38", "50.00", "80.00"},
				{"D", "987654321", "E-2", "O'Neil, Jr.", "Ann \"Annie\"", "19751111", "20100601", "20240510", "1200.00", "0.00", "60.00", "30.00", "0.00", "24.50"},
				{"T", "2", "5046.15", "230.77", "60.00", "145.38", "50.00"},
			}, recs)
		})
	}
}

// TestRetryIsIdempotent: the same idempotency key later finds the file
// already delivered.
func TestRetryIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	now := time.Date(2024, 5, 16, 9, 30, 0, 0, time.UTC)
	p := recordkeeper.New(&recordkeeper.Config{Now: func() time.Time { return now }})
	inst := providers.NewInstance("Vanguard", p, settings(srv, recordkeeper.RecordkeeperVanguard), nil)
	first, err := recordkeeper.Send(t.Context(), inst, payroll(), "payroll-2024-05-15")
	require.NoError(t, err)
	now = now.Add(time.Hour)
	again, err := recordkeeper.Send(t.Context(), inst, payroll(), "payroll-2024-05-15")
	require.NoError(t, err)
	require.True(t, again.AlreadyDelivered)
	require.Equal(t, []string{first.FileName}, srv.Files(t, "inbound"))
	changed := payroll()
	changed.Contributions[0].MatchCents++
	_, err = recordkeeper.Send(t.Context(), inst, changed, "payroll-2024-05-15")
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	good := settings(srv, recordkeeper.RecordkeeperFidelity)
	testkit.ValidateEach(t, recordkeeper.New(nil), good, []testkit.FieldCase{
		{"recordkeeper", recordkeeper.FieldRecordkeeper, "", "Please select a 401(k) recordkeeper"},
		{"other recordkeeper", recordkeeper.FieldRecordkeeper, "Empower", "Please select a 401(k) recordkeeper"},
		{"plan", recordkeeper.FieldPlanNumber, "", "Plan number is required"},
		{"plan chars", recordkeeper.FieldPlanNumber, "PLAN 1", "Plan number must be 1 to 20 letters, digits or hyphens"},
		{"sponsor", recordkeeper.FieldSponsorName, "", "Employer name is required"},
		{"fein", recordkeeper.FieldSponsorTaxID, "1234", "Please enter the 9-digit employer FEIN"},
		{"sftp user", sftpdrop.FieldUsername, "", "SFTP username is required"},
	})
}

func TestPayloadValidation(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	tests := []struct {
		name string
		fn   func(f *recordkeeper.ContributionFile)
		want string
	}{
		{"payroll date", func(f *recordkeeper.ContributionFile) { f.PayrollDate = "5/15/2024" }, "payrollDate must be a date"},
		{"none", func(f *recordkeeper.ContributionFile) { f.Contributions = nil }, "contributions at least one"},
		{"ssn", func(f *recordkeeper.ContributionFile) { f.Contributions[0].SSN = "123-45-6789" }, "contributions[0].ssn must be nine digits"},
		{"negative", func(f *recordkeeper.ContributionFile) { f.Contributions[1].MatchCents = -1 }, "contributions[1].matchCents must not be negative"},
		{"name", func(f *recordkeeper.ContributionFile) { f.Contributions[0].LastName = "" }, "contributions[0].lastName is required"},
		{"newline", func(f *recordkeeper.ContributionFile) { f.Contributions[0].FirstName = "Jo\nhn" }, "contributions[0].firstName must be"},
		{"dup", func(f *recordkeeper.ContributionFile) { f.Contributions[1].SSN = "123456789" }, "contributions[1].ssn repeats contributions[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := payroll()
			tt.fn(f)
			_, err := recordkeeper.New(nil).Do(t.Context(), settings(srv, recordkeeper.RecordkeeperFidelity), op(recordkeeper.OpRender, f))
			require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	res, err := recordkeeper.New(nil).Check(t.Context(), settings(srv, recordkeeper.RecordkeeperVanguard))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
}
