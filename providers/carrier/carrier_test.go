package carrier_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/carrier"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/sftpdrop"
	"github.com/intimeos/integrations/providers/sftpdrop/sftptest"
)

// settings are valid settings for srv with the given carrier.
func settings(srv *sftptest.Server, c string) providers.Settings {
	return testkit.With(srv.Settings(), carrier.FieldCarrier, c, carrier.FieldSenderID, "ACMESTAFF",
		carrier.FieldReceiverID, "BCBSIL", carrier.FieldSponsorName, "Acme Staffing, Inc.",
		carrier.FieldSponsorTaxID, "12-3456789")
}

var (
	op   = testkit.Op
	with = testkit.With
)

func decodeResult[T any](t *testing.T, r *providers.Result) *T { return testkit.Decode[T](t, r) }

// family is a subscriber with a spouse and a child, and a terminated
// employee.
func family() *carrier.EnrollmentFile {
	addr := &carrier.Address{Line1: "123 Main St", Line2: "Apt 4", City: "Springfield", State: "IL", Zip: "62701"}
	cov := func(level string) []carrier.Coverage {
		return []carrier.Coverage{{PlanCode: "PPO500", Level: level, Start: "2024-06-01"}}
	}
	return &carrier.EnrollmentFile{ReferenceID: "batch-2024-05-01", PolicyNumber: "GRP-88",
		Members: []carrier.Member{
			{Relationship: carrier.RelationshipSelf, Action: carrier.ActionAdd, SubscriberID: "123456789",
				FirstName: "John", MiddleName: "Q", LastName: "Doe", SSN: "123456789", BirthDate: "1980-01-15", Gender: "M",
				Phone: "(217) 555-0100", Email: "john.doe@example.com", Address: addr, HireDate: "2024-05-15",
				GroupNumber: "GRP-88", Coverages: cov("FAM")},
			{Relationship: carrier.RelationshipSpouse, Action: carrier.ActionAdd, SubscriberID: "123456789",
				FirstName: "Jane", LastName: "Doe", BirthDate: "1982-03-02", Gender: "F", Address: addr, Coverages: cov("FAM")},
			{Relationship: carrier.RelationshipChild, Action: carrier.ActionAdd, SubscriberID: "123456789",
				FirstName: "Jim", LastName: "Doe", BirthDate: "2015-07-30", Gender: "U", Coverages: cov("FAM")},
			{Relationship: carrier.RelationshipSelf, Action: carrier.ActionTerminate, SubscriberID: "987654321",
				FirstName: "Ann", LastName: "O'Neil", SSN: "987654321", BirthDate: "1975-11-11", Gender: "F",
				EmploymentStatus: "TE", Address: &carrier.Address{Line1: "9 Elm", City: "Peoria", State: "IL", Zip: "616020000"},
				Coverages: []carrier.Coverage{{PlanCode: "PPO500", Level: "EMP", Start: "2020-01-01", End: "2024-05-31"}}},
		}}
}

// plugin starts the test binary as the carrier plugin: the one call to
// providertest.Plugin.
func plugin(t testing.TB) providers.Provider { return providertest.Plugin(t, carrier.Name) }

func suite(t *testing.T) *providertest.Suite {
	srv := sftptest.New(t, nil)
	good := settings(srv, carrier.CarrierBCBS)
	send := op(carrier.OpSend, family())
	_, strangerKey := sftptest.NewKey(t)
	other := sftptest.New(t, nil)
	other.Close()
	bad := family()
	bad.Members[1].BirthDate = "02/03/1982"
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "send", Op: send, Check: func(t *testing.T, r *providers.Result) {
				d := decodeResult[carrier.Delivery](t, r)
				require.Equal(t, 4, d.Members)
				require.Equal(t, "inbound/"+d.FileName, d.Path)
				f, err := read834(srv.File(t, d.Path))
				require.NoError(t, err)
				require.Len(t, f.members, 4)
				require.Equal(t, "HLT", f.members[0].Coverages[0].HD.E(3))
			}},
			{Name: "render", Op: op(carrier.OpRender, family()), Check: func(t *testing.T, r *providers.Result) {
				rd := decodeResult[carrier.Rendered](t, r)
				_, err := read834([]byte(rd.Content))
				require.NoError(t, err)
			}},
		},
		Failures: []providertest.Failure{
			{Name: "unknown client key", Settings: with(good, sftpdrop.FieldPrivateKey, strangerKey), Op: send,
				Kind: providers.KindAuth},
			{Name: "host key mismatch", Settings: with(good, sftpdrop.FieldHostKey, other.HostKey()), Op: send,
				Kind: providers.KindPermanent},
			{Name: "missing folder", Settings: with(good, sftpdrop.FieldDirectory, "outbound"), Op: send,
				Kind: providers.KindInvalidInput},
			{Name: "server down", Settings: with(good, sftpdrop.FieldPort, strconv.Itoa(other.Port)), Op: send,
				Kind: providers.KindRetryable},
			{Name: "bad birth date", Op: op(carrier.OpSend, bad), Kind: providers.KindInvalidInput},
			{Name: "no members", Op: op(carrier.OpSend, &carrier.EnrollmentFile{ReferenceID: "x"}), Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: carrier.OpSend, Payload: []byte(`{`)}, Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin, against a real SFTP server.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, carrier.New(nil), plugin, suite)
}

// TestEnrollmentContent is the 834 must-show: the file the carrier's
// server received is read by the test's own 834 reader (envelope counts
// and control numbers, required loops and segments) and says what the
// payload said.
func TestEnrollmentContent(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	at := time.Date(2024, 5, 1, 14, 7, 0, 0, time.UTC)
	p := carrier.New(&carrier.Config{Now: func() time.Time { return at }})
	for _, c := range carrier.Carriers {
		t.Run(c.Name, func(t *testing.T) {
			s := with(settings(srv, c.Name), carrier.FieldUsage, carrier.UsageProduction, carrier.FieldPayerTaxID, "98-7654321")
			in := family()
			in.ControlNumber = 4711
			d, err := carrier.Send(t.Context(), providers.NewInstance(c.Name, p, s, nil), in, "")
			require.NoError(t, err)
			require.Equal(t, "834_"+c.Code+"_ACMESTAFF_000004711.edi", d.FileName)
			f, err := read834(srv.File(t, d.Path))
			require.NoError(t, err)
			isa := f.ic.ISA
			require.Equal(t, "ACMESTAFF      ", isa.E(6))
			require.Equal(t, "BCBSIL         ", isa.E(8))
			require.Equal(t, "000004711", isa.E(13))
			require.Equal(t, "P", isa.E(15))
			require.Equal(t, "240501", isa.E(9))
			require.Equal(t, "1407", isa.E(10))
			require.Equal(t, "4711", f.ic.Groups[0].GS.E(6))
			require.Equal(t, "BATCH-2024-05-01", f.bgn.E(2))
			require.Equal(t, "2", f.bgn.E(8), "a file of changes")
			require.Equal(t, []string{"N1", "P5", "ACME STAFFING, INC.", "FI", "123456789"}, []string(f.sponsor))
			require.Equal(t, []string{"N1", "IN", c.PayerName, "FI", "987654321"}, []string(f.payer))
			checkMembers(t, f, c.InsuranceLine)
		})
	}
}

func checkMembers(t *testing.T, f *file834, line string) {
	t.Helper()
	m := f.members
	require.Len(t, m, 4)
	require.Equal(t, []string{"INS", "Y", "18", "021", "28", "A", "", "", "FT"}, []string(m[0].INS))
	require.Equal(t, []string{"NM1", "IL", "1", "DOE", "JOHN", "Q", "", "", "34", "123456789"}, []string(m[0].NM1))
	require.Equal(t, []string{"DMG", "D8", "19800115", "M"}, []string(m[0].DMG))
	require.Equal(t, []string{"HD", "021", "", line, "PPO500", "FAM"}, []string(m[0].Coverages[0].HD))
	require.Equal(t, "20240601", m[0].Coverages[0].Start)
	require.Equal(t, []string{"INS", "N", "01", "021", "28", "A"}, []string(m[1].INS))
	require.Equal(t, []string{"INS", "N", "19", "021", "28", "A"}, []string(m[2].INS))
	require.Equal(t, "123456789", m[2].SubscriberID, "a dependent carries the subscriber's ID")
	require.Equal(t, []string{"NM1", "IL", "1", "DOE", "JIM"}, []string(m[2].NM1), "no SSN, no NM108/NM109")
	require.Equal(t, []string{"INS", "Y", "18", "024", "07", "A", "", "", "TE"}, []string(m[3].INS))
	require.Equal(t, "O'NEIL", m[3].NM1.E(3))
	require.Equal(t, "20240531", m[3].Coverages[0].End)
}

// TestFullFileAndPayerID: a full file is BGN08 RX, and without the
// carrier's FEIN the payer is identified by the receiver ID.
func TestFullFileAndPayerID(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	in := family()
	in.FullFile = true
	res, err := carrier.New(nil).Do(t.Context(), settings(srv, carrier.CarrierVSP), op(carrier.OpRender, in))
	require.NoError(t, err)
	f, err := read834([]byte(decodeResult[carrier.Rendered](t, res).Content))
	require.NoError(t, err)
	require.Equal(t, "RX", f.bgn.E(8))
	require.Equal(t, []string{"N1", "IN", "VISION SERVICE PLAN", "94", "BCBSIL"}, []string(f.payer))
	require.Equal(t, "T", f.ic.ISA.E(15), "test usage by default")
}

// TestRetryIsIdempotent: the same idempotency key later (a new minute,
// so new timestamps) finds the file already delivered and writes nothing.
func TestRetryIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	now := time.Date(2024, 5, 1, 23, 59, 0, 0, time.UTC)
	p := carrier.New(&carrier.Config{Now: func() time.Time { return now }})
	inst := providers.NewInstance("BCBS", p, settings(srv, carrier.CarrierBCBS), nil)
	first, err := carrier.Send(t.Context(), inst, family(), "enrol-42")
	require.NoError(t, err)
	require.False(t, first.AlreadyDelivered)
	now = now.Add(2 * time.Minute) // past midnight
	again, err := carrier.Send(t.Context(), inst, family(), "enrol-42")
	require.NoError(t, err)
	require.True(t, again.AlreadyDelivered)
	require.Equal(t, first.FileName, again.FileName)
	require.Equal(t, []string{first.FileName}, srv.Files(t, "inbound"))

	changed := family()
	changed.Members[0].FirstName = "Johnny"
	_, err = carrier.Send(t.Context(), inst, changed, "enrol-42")
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err), "another file under the same control number")
}

func TestCheck(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	res, err := carrier.New(nil).Check(t.Context(), settings(srv, carrier.CarrierDeltaDental))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Len(t, res.Stages, 4)
	_, err = carrier.New(nil).Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func TestValidate(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	good := settings(srv, carrier.CarrierBCBS)
	testkit.ValidateEach(t, carrier.New(nil), good, []testkit.FieldCase{
		{"carrier", carrier.FieldCarrier, "", "Please select a benefits carrier"},
		{"unknown carrier", carrier.FieldCarrier, "Aetna", "Please select a benefits carrier"},
		{"sender", carrier.FieldSenderID, "", "Sender ID is required"},
		{"sender chars", carrier.FieldSenderID, "ACME*STAFF", "Sender ID must be 1 to 15 letters or digits"},
		{"sender long", carrier.FieldSenderID, "ACMESTAFFINGINC1", "Sender ID must be 1 to 15 letters or digits"},
		{"receiver", carrier.FieldReceiverID, "", "Carrier receiver ID is required"},
		{"sponsor", carrier.FieldSponsorName, "", "Employer name is required"},
		{"sponsor chars", carrier.FieldSponsorName, "Acme~Staffing", "Employer name contains invalid characters"},
		{"fein", carrier.FieldSponsorTaxID, "", "Employer FEIN is required"},
		{"fein digits", carrier.FieldSponsorTaxID, "12-345", "Please enter the 9-digit employer FEIN"},
		{"payer fein", carrier.FieldPayerTaxID, "98765", "Please enter the carrier's 9-digit FEIN"},
		{"usage", carrier.FieldUsage, "Live", "Please select Test or Production"},
		{"sftp host", sftpdrop.FieldHost, "", "SFTP host is required"},
		{"host key", sftpdrop.FieldHostKey, "not a key", "Please enter the server's public host key or its SHA256 fingerprint"},
	})
}

// TestPayloadValidation names each invalid field of the file.
func TestPayloadValidation(t *testing.T) {
	t.Parallel()
	srv := sftptest.New(t, nil)
	mutate := []struct {
		name string
		fn   func(f *carrier.EnrollmentFile)
		want string
	}{
		{"dependent first", func(f *carrier.EnrollmentFile) { f.Members = f.Members[1:] },
			"members[0].relationship a dependent must follow their subscriber"},
		{"delimiter in name", func(f *carrier.EnrollmentFile) { f.Members[0].LastName = "Doe*Smith" },
			"members[0].lastName holds a character X12 reserves"},
		{"foreign subscriber id", func(f *carrier.EnrollmentFile) { f.Members[1].SubscriberID = "1" },
			"members[1].subscriberId a dependent carries their subscriber's subscriberId"},
		{"no address", func(f *carrier.EnrollmentFile) { f.Members[0].Address = nil }, "members[0].address is required"},
		{"zip", func(f *carrier.EnrollmentFile) { f.Members[0].Address.Zip = "6270" }, "members[0].address.zip must be"},
		{"level", func(f *carrier.EnrollmentFile) { f.Members[0].Coverages[0].Level = "ALL" }, "members[0].coverages[0].level"},
		{"add without coverage", func(f *carrier.EnrollmentFile) { f.Members[2].Coverages = nil }, "members[2].coverages"},
		{"dependent employment", func(f *carrier.EnrollmentFile) { f.Members[1].EmploymentStatus = "FT" }, "members[1].employmentStatus"},
		{"ssn", func(f *carrier.EnrollmentFile) { f.Members[0].SSN = "123-45-6789" }, "members[0].ssn must be nine digits"},
		{"action", func(f *carrier.EnrollmentFile) { f.Members[0].Action = "enrol" }, "members[0].action"},
	}
	for _, m := range mutate {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			f := family()
			m.fn(f)
			_, err := carrier.New(nil).Do(t.Context(), settings(srv, carrier.CarrierBCBS), op(carrier.OpRender, f))
			require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
			require.ErrorContains(t, err, m.want)
		})
	}
}
