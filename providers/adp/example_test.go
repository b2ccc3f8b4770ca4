package adp_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/adp"
)

// Validate gives the configuration form one message per invalid field.
func ExampleProvider_Validate() {
	err := adp.New(nil).Validate(context.Background(), providers.Settings{
		adp.FieldClientID:          "intime",
		adp.FieldClientCertificate: "not a certificate",
		adp.FieldTokenURL:          "http://accounts.adp.com/auth/oauth/v2/token",
	})
	var ve *providers.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s: %s\n", f.Field, f.Message)
		}
	}
	// Output:
	// clientSecret: Client Secret is required
	// clientKey: Client Private Key is required
	// clientCertificate: Please enter the client certificate ADP issued, in PEM format
	// tokenUrl: Please enter a valid https URL
}
