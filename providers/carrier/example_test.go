package carrier_test

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
	"github.com/intimeos/integrations/providers/carrier"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// Render shows the 834 a carrier would receive, without sending it: here
// one new subscriber with dental coverage for Delta Dental.
func ExampleRender() {
	at := time.Date(2024, 5, 1, 14, 7, 0, 0, time.UTC)
	p := carrier.New(&carrier.Config{Now: func() time.Time { return at }})
	inst := providers.NewInstance(carrier.CarrierDeltaDental, p, providers.Settings{
		carrier.FieldCarrier:      carrier.CarrierDeltaDental,
		sftpdrop.FieldHost:        "sftp.deltadental.example",
		sftpdrop.FieldUsername:    "acme",
		sftpdrop.FieldPrivateKey:  newPrivateKey(),
		sftpdrop.FieldHostKey:     "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
		carrier.FieldSenderID:     "ACMESTAFF",
		carrier.FieldReceiverID:   "DDPA",
		carrier.FieldSponsorName:  "Acme Staffing",
		carrier.FieldSponsorTaxID: "12-3456789",
	}, nil)
	r, err := carrier.Render(context.Background(), inst, &carrier.EnrollmentFile{ControlNumber: 17, ReferenceID: "b17",
		Members: []carrier.Member{{Relationship: carrier.RelationshipSelf, Action: carrier.ActionAdd,
			SubscriberID: "123456789", FirstName: "Ada", LastName: "Lovelace", BirthDate: "1990-12-10", Gender: "F",
			Address:   &carrier.Address{Line1: "1 Analytical Way", City: "Austin", State: "TX", Zip: "73301"},
			Coverages: []carrier.Coverage{{PlanCode: "DPPO", Level: "EMP", Start: "2024-06-01"}}}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.FileName)
	fmt.Println(strings.ReplaceAll(r.Content, "~", "~\n"))
	// Output:
	// 834_deltadental_ACMESTAFF_000000017.edi
	// ISA*00*          *00*          *ZZ*ACMESTAFF      *ZZ*DDPA           *240501*1407*^*00501*000000017*0*T*:~
	// GS*BE*ACMESTAFF*DDPA*20240501*1407*17*X*005010X220A1~
	// ST*834*0001*005010X220A1~
	// BGN*00*B17*20240501*1407****2~
	// QTY*TO*1~
	// N1*P5*ACME STAFFING*FI*123456789~
	// N1*IN*DELTA DENTAL*94*DDPA~
	// INS*Y*18*021*28*A***FT~
	// REF*0F*123456789~
	// NM1*IL*1*LOVELACE*ADA~
	// N3*1 ANALYTICAL WAY~
	// N4*AUSTIN*TX*73301~
	// DMG*D8*19901210*F~
	// HD*021**DEN*DPPO*EMP~
	// DTP*348*D8*20240601~
	// SE*14*0001~
	// GE*1*17~
	// IEA*1*000000017~
}

// newPrivateKey returns a new ed25519 key in OpenSSH form, as the
// administrator would paste the key the carrier authorised.
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
