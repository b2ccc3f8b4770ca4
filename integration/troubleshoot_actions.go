package integration

import (
	"net"
	"strings"
)

// StatusPages are the providers' status pages, by provider name, for the
// "Check [Provider] Status Page" action.
var StatusPages = map[string]string{
	"sendgrid":    "https://status.sendgrid.com",
	"twilio":      "https://status.twilio.com",
	"ses":         "https://health.aws.amazon.com/health/status",
	"s3":          "https://health.aws.amazon.com/health/status",
	"checkr":      "https://status.checkr.com",
	"slack":       "https://status.slack.com",
	"zoom":        "https://status.zoom.us",
	"google":      "https://www.google.com/appsstatus/dashboard/",
	"microsoft":   "https://status.cloud.microsoft",
	"linkedin":    "https://www.linkedin-apistatus.com",
	"ringcentral": "https://status.ringcentral.com",
}

// actionsFor are the actions each pattern suggests, in the §5 panel's
// order; patternNone (nothing found) suggests them all.
var actionsFor = map[patternKind][]string{
	patternNone: {ActionStatusPage, ActionVerifyKey, ActionTestNetwork, ActionCheckFirewall, ActionViewLogs,
		ActionSwitchBackup},
	patternTimeout: {ActionStatusPage, ActionVerifyKey, ActionTestNetwork, ActionCheckFirewall, ActionViewLogs,
		ActionSwitchBackup},
	patternAuth:      {ActionVerifyKey, ActionViewLogs, ActionSwitchBackup},
	patternTLS:       {ActionTestNetwork, ActionViewLogs, ActionSwitchBackup},
	patternRateLimit: {ActionStatusPage, ActionViewLogs, ActionSwitchBackup},
	patternOutage:    {ActionStatusPage, ActionViewLogs, ActionSwitchBackup},
}

// suggest builds the suggested actions for what was found; an action that
// does not apply (no endpoint to test, no backup, no status page known)
// is left out.
func suggest(t *target, p pattern, certWarning string, backup string) []SuggestedAction {
	host, port := splitEndpoint(t.endpoint)
	var out []SuggestedAction
	for _, kind := range actionsFor[p.kind] {
		a := SuggestedAction{Kind: kind}
		switch kind {
		case ActionStatusPage:
			a.Label, a.Detail, a.URL = "Check "+t.display+" Status Page", "Is service up?", StatusPages[providerName(t)]
			if a.URL == "" {
				continue
			}
		case ActionVerifyKey:
			a.Label, a.Detail = "Verify "+credentialLabel(t), "Is key valid and not expired?"
		case ActionTestNetwork:
			if host == "" {
				continue
			}
			a.Label, a.Detail = "Test Network", "Can server reach "+host+"?"
			if p.kind == patternTLS || certWarning != "" {
				a.Label, a.Detail = "Check Certificate", "Does "+t.endpoint+" present a valid certificate?"
			}
		case ActionCheckFirewall:
			if port == "" {
				continue
			}
			a.Label, a.Detail = "Check Firewall", "Is port "+port+" blocked?"
		case ActionViewLogs:
			a.Label, a.Detail = "View Error Logs", "Full stack traces"
		case ActionSwitchBackup:
			if backup == "" {
				continue
			}
			a.Label, a.Detail = "Switch to Backup", "Use "+backup+" temporarily"
		}
		out = append(out, a)
	}
	return out
}

// providerName is the target's provider name ("sendgrid").
func providerName(t *target) string {
	if t.info != nil {
		return t.info.Name
	}
	return strings.ToLower(t.display)
}

// credentialLabel names what the verify action checks: the provider's
// secret field whose label names a key ("API Key"), else "API Key" when it
// has a secret (§5 says so of SMTP's password), else "Credentials".
func credentialLabel(t *target) string {
	if t.info == nil {
		return "Credentials"
	}
	label := "Credentials"
	for _, f := range t.info.Fields {
		if !f.Secret {
			continue
		}
		if strings.Contains(strings.ToLower(f.Label), "key") {
			return f.Label
		}
		label = "API Key"
	}
	return label
}

// splitEndpoint splits "host:port"; a bare host has no port.
func splitEndpoint(endpoint string) (host, port string) {
	if h, p, err := net.SplitHostPort(endpoint); err == nil {
		return h, p
	}
	return endpoint, ""
}
