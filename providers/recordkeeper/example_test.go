package recordkeeper_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/recordkeeper"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// Render shows the contribution file a recordkeeper would receive.
func ExampleRender() {
	at := time.Date(2024, 5, 16, 9, 30, 5, 0, time.UTC)
	p := recordkeeper.New(&recordkeeper.Config{Now: func() time.Time { return at }})
	inst := providers.NewInstance(recordkeeper.RecordkeeperFidelity, p, providers.Settings{
		recordkeeper.FieldRecordkeeper: recordkeeper.RecordkeeperFidelity,
		sftpdrop.FieldHost:             "sftp.recordkeeper.example",
		sftpdrop.FieldUsername:         "acme",
		sftpdrop.FieldPrivateKey:       newPrivateKey(),
		sftpdrop.FieldHostKey:          "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
		recordkeeper.FieldPlanNumber:   "04417",
		recordkeeper.FieldSponsorName:  "Acme Staffing",
		recordkeeper.FieldSponsorTaxID: "12-3456789",
	}, nil)
	r, err := recordkeeper.Render(context.Background(), inst, &recordkeeper.ContributionFile{FileID: 7, PayrollDate: "2024-05-15",
		Contributions: []recordkeeper.Contribution{{SSN: "123456789", EmployeeID: "E-1", LastName: "Lovelace",
			FirstName: "Ada", BirthDate: "1990-12-10", HireDate: "2021-01-04", CompensationCents: 500000,
			PreTaxCents: 30000, MatchCents: 15000, HoursHundredths: 8000}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.FileName)
	fmt.Print(strings.ReplaceAll(r.Content, "\r\n", "\n")) // records end with CRLF
	// Output:
	// 401k_fidelity_04417_20240515_000000007.csv
	// H,INTIME-401K-1,04417,Acme Staffing,123456789,20240515,7,20240516093005
	// D,123456789,E-1,Lovelace,Ada,19901210,20210104,,5000.00,300.00,0.00,150.00,0.00,80.00
	// T,1,5000.00,300.00,0.00,150.00,0.00
}

// newPrivateKey returns a new ed25519 key in OpenSSH form, as the
// administrator would paste the key the recordkeeper authorised.
func newPrivateKey() string {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	b, err := ssh.MarshalPrivateKey(k, "")
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(b))
}
