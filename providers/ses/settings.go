package ses

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// The settings keys.
const (
	FieldRegion          = "region"
	FieldAccessKeyID     = "accessKeyId"
	FieldSecretAccessKey = "secretAccessKey"
	FieldFromEmail       = "fromEmail"
	FieldFromName        = "fromName"
	// FieldConfigurationSet is an optional SES configuration set for
	// sends (event publishing, dedicated IPs).
	FieldConfigurationSet = "configurationSet"
	// FieldEndpoint overrides the SES endpoint (a VPC endpoint, or a local
	// server in tests). Empty means the region's.
	FieldEndpoint = "endpoint"
	// FieldSNSTopicARN lists the SNS topics (comma-separated ARNs) SES
	// publishes this integration's bounces, complaints and other events
	// to. [Provider.HandleWebhook] accepts messages of these topics only,
	// and none without it.
	FieldSNSTopicARN = "snsTopicArn"
)

// snsTopicPattern is one SNS topic ARN; the field holds a comma-separated
// list of them.
const snsTopicPattern = `arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}`

// Fields are the provider's configuration fields. fromEmail and fromName
// follow the SMTP form's rules and messages (UC-ADMIN-007 §17).
var Fields = []providers.Field{
	{Name: FieldRegion, Label: "AWS Region", Type: providers.FieldText, Required: true, MaxLength: 32,
		Placeholder: "us-east-1", Default: "us-east-1", Pattern: `[a-z]{2}(-[a-z]+)+-[0-9]+`,
		Messages: providers.FieldMessages{Empty: "AWS region is required",
			Invalid: "Please enter a valid AWS region such as us-east-1", TooLong: "Please enter a valid AWS region such as us-east-1"}},
	{Name: FieldAccessKeyID, Label: "Access Key ID", Type: providers.FieldText, Required: true, MaxLength: 128,
		Pattern: `[A-Z0-9]{16,128}`,
		Messages: providers.FieldMessages{Empty: "Access key ID is required",
			Invalid: "Please enter a valid access key ID", TooLong: "Please enter a valid access key ID"}},
	{Name: FieldSecretAccessKey, Label: "Secret Access Key", Type: providers.FieldPassword, Required: true, Secret: true,
		MaxLength: 128,
		Messages: providers.FieldMessages{Empty: "Secret access key is required",
			TooLong: "Secret access key must be at most 128 characters"}},
	{Name: FieldFromEmail, Label: "From Email", Type: providers.FieldEmail, Required: true, MaxLength: 254,
		Placeholder: "noreply@company.com",
		Messages: providers.FieldMessages{Empty: "From email address is required",
			Invalid: "Please enter a valid email address", TooLong: "Please enter a valid email address"}},
	{Name: FieldFromName, Label: "From Name", Type: providers.FieldText, Required: true, MaxLength: 100,
		Placeholder: "InTime Staffing", Pattern: `[\p{L}\p{N} ]+`,
		Messages: providers.FieldMessages{Empty: "From name is required",
			Invalid: "From name contains invalid characters", TooLong: "From name must be at most 100 characters"}},
	{Name: FieldConfigurationSet, Label: "Configuration Set", Type: providers.FieldText, MaxLength: 64,
		Pattern: `[A-Za-z0-9_-]+`,
		Messages: providers.FieldMessages{Invalid: "Please enter a valid configuration set name",
			TooLong: "Please enter a valid configuration set name"}},
	{Name: FieldEndpoint, Label: "Endpoint Override", Type: providers.FieldURL, MaxLength: 255,
		Messages: providers.FieldMessages{Invalid: "Please enter a valid URL", TooLong: "Please enter a valid URL"}},
	{Name: FieldSNSTopicARN, Label: "SNS Topic ARNs (Bounces/Complaints)", Type: providers.FieldText, MaxLength: 2000,
		Placeholder: "arn:aws:sns:us-east-1:123456789012:ses-bounces",
		Pattern:     snsTopicPattern + `(\s*,\s*` + snsTopicPattern + `)*`,
		Messages: providers.FieldMessages{Invalid: "Please enter SNS topic ARNs such as arn:aws:sns:us-east-1:123456789012:ses-bounces, separated by commas",
			TooLong: "SNS topic ARNs must be at most 2,000 characters"}},
}

// settings are validated settings in typed form.
type settings struct {
	region, keyID, secret string
	from, fromName        string
	configurationSet      string
	endpoint              *url.URL // nil: the region's endpoint
}

func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(Fields, s); err != nil {
		return nil, providers.InvalidInput(err)
	}
	st := &settings{region: s[FieldRegion], keyID: s[FieldAccessKeyID], secret: s[FieldSecretAccessKey],
		from: s[FieldFromEmail], fromName: s[FieldFromName], configurationSet: s[FieldConfigurationSet]}
	if e := strings.TrimSuffix(s[FieldEndpoint], "/"); e != "" {
		u, err := url.Parse(e)
		if err != nil {
			return nil, providers.InvalidInput(err)
		}
		st.endpoint = u
	}
	return st, nil
}

// endpointURL is the endpoint calls go to.
func (st *settings) endpointURL() *url.URL {
	if st.endpoint != nil {
		return st.endpoint
	}
	return &url.URL{Scheme: "https", Host: "email." + st.region + ".amazonaws.com"}
}
