package twilio_test

import (
	"fmt"
	"net/url"

	"github.com/intimeos/integrations/providers/twilio"
)

// The signature of Twilio's documented example: auth token 12345, the
// callback URL with its query, and the POST parameters.
func ExampleSignature() {
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"}}
	sig := twilio.Signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)
	fmt.Println(sig)
	fmt.Println(twilio.Verify("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params, sig))
	// Output:
	// 0/KCTR6DLpKmkAf8muzZqo1nDgQ=
	// <nil>
}
