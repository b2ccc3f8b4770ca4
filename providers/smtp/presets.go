package smtp

// The values of the provider field (UC-ADMIN-007 §17).
const (
	PresetSendGrid = "SendGrid"
	PresetSES      = "AWS SES"
	PresetMailgun  = "Mailgun"
	PresetPostmark = "Postmark"
	PresetCustom   = "Custom SMTP"
)

// Preset is a provider's SMTP endpoint, for the form to fill in when the
// provider is chosen.
type Preset struct {
	// Name is the provider field's value and the name used in messages
	// ("Connection to SendGrid timed out").
	Name string
	// Host is the SMTP host; empty for Custom SMTP. For AWS SES it is the
	// us-east-1 endpoint: replace the region as needed.
	Host string
	// Port is the recommended port (587, STARTTLS).
	Port int
	// Username is the fixed user name if the provider has one ("apikey" for
	// SendGrid), or a hint.
	Username string
}

// Presets are the providers of the form, in its order: data, not code.
var Presets = []Preset{
	{Name: PresetSendGrid, Host: "smtp.sendgrid.net", Port: PortSubmission, Username: "apikey"},
	{Name: PresetSES, Host: "email-smtp.us-east-1.amazonaws.com", Port: PortSubmission, Username: "SMTP user name (not the access key ID)"},
	{Name: PresetMailgun, Host: "smtp.mailgun.org", Port: PortSubmission, Username: "postmaster@your-domain"},
	{Name: PresetPostmark, Host: "smtp.postmarkapp.com", Port: PortSubmission, Username: "server API token"},
	{Name: PresetCustom, Port: PortSubmission},
}

// PresetNames returns the preset names in order: the provider field's
// options.
func PresetNames() []string {
	names := make([]string, len(Presets))
	for i, p := range Presets {
		names[i] = p.Name
	}
	return names
}

// LookupPreset returns the preset named name.
func LookupPreset(name string) (Preset, bool) {
	for _, p := range Presets {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}
