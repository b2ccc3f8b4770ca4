package ses_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/ses"
)

// Region and credentials are settings, checked like the rest of the form.
func ExampleProvider_Validate() {
	err := ses.New(nil).Validate(context.Background(), providers.Settings{
		"region": "us-east-1", "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
		"fromEmail": "noreply@intime.example", "fromName": "InTime Staffing",
	})
	var ve *providers.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field("secretAccessKey"))
	}
	// Output: Secret access key is required
}
