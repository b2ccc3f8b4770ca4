package linkedin

import (
	"net/url"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// DefaultBaseURL is LinkedIn's API host; the versioned API is under /rest.
const DefaultBaseURL = "https://api.linkedin.com"

// DefaultAPIVersion is the LinkedIn-Version header sent when the
// integration names none: LinkedIn's versioned APIs take a YYYYMM version
// and keep each for at least a year, so an administrator moves it forward
// with [FieldAPIVersion] without a new release of the provider.
const DefaultAPIVersion = "202603"

// RestliProtocolVersion is the Rest.li protocol the requests speak (the
// X-Restli-Protocol-Version header): 2.0.0, where batch keys are
// List(...) of URL-encoded URNs.
const RestliProtocolVersion = "2.0.0"

// The settings keys. The OAuth app (client ID and secret of the Talent
// Solutions partner application) is the oauth package's LinkedIn
// connection, not a field here; the access token arrives with each call
// under [providers.SettingAccessToken].
const (
	// FieldOrganizationID is the company page the jobs are posted for:
	// its numeric ID or its URN, urn:li:organization:{id} (required). It
	// is sent as each posting's integrationContext.
	FieldOrganizationID = "organizationId"
	// FieldAPIVersion is the LinkedIn-Version header, YYYYMM (optional,
	// default [DefaultAPIVersion]).
	FieldAPIVersion = "apiVersion"
	// FieldBaseURL overrides [DefaultBaseURL] (optional).
	FieldBaseURL = "baseUrl"
)

// The settings' validation messages.
const (
	msgOrgEmpty   = "LinkedIn organization ID is required"
	msgOrgInvalid = "LinkedIn organization ID must be digits or urn:li:organization:{id}"
	msgVersion    = "Please enter a LinkedIn API version such as " + DefaultAPIVersion
)

const orgURNPrefix = "urn:li:organization:"

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldOrganizationID, Label: "LinkedIn Organization ID", Type: providers.FieldText, Required: true,
			MaxLength: 40, Placeholder: "2414183", Pattern: `(urn:li:organization:)?[0-9]{1,20}`,
			Messages: providers.FieldMessages{Empty: msgOrgEmpty, Invalid: msgOrgInvalid, TooLong: msgOrgInvalid}},
		{Name: FieldAPIVersion, Label: "LinkedIn API Version", Type: providers.FieldText, Default: DefaultAPIVersion,
			MaxLength: 6, Placeholder: DefaultAPIVersion, Pattern: `20[0-9]{2}(0[1-9]|1[0-2])`,
			Messages: providers.FieldMessages{Invalid: msgVersion, TooLong: msgVersion}},
		httpapi.BaseURLField(FieldBaseURL, "API Base URL", DefaultBaseURL),
	}
}

// settings are parsed, valid settings.
type settings struct {
	// org is the organization URN, urn:li:organization:{id}.
	org     string
	version string
	base    *url.URL
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	id := strings.TrimPrefix(strings.TrimSpace(s[FieldOrganizationID]), orgURNPrefix)
	st := &settings{org: orgURNPrefix + id, version: httpapi.Or(s[FieldAPIVersion], DefaultAPIVersion)}
	var err error
	st.base, err = httpapi.ParseBaseURL(s, FieldBaseURL, DefaultBaseURL)
	return st, err
}

// restURL is the URL of a resource of the versioned API (under /rest),
// with rawQuery, which the caller has encoded, appended.
func (st *settings) restURL(resource, rawQuery string) string {
	u := st.base.String() + "/rest/" + resource
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	return u
}
