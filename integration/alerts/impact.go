package alerts

import "github.com/intimeos/integrations/integration"

// impact is what stops working, and what slows down, when an integration
// of a type fails: the dashboard's "Impact: Emails not sending" (§3).
type impact struct{ down, slow string }

var impacts = map[string]impact{
	integration.TypeEmail:            {"Emails not sending", "Emails sending slowly"},
	integration.TypeCalendar:         {"Meetings not scheduling", "Meetings scheduling slowly"},
	integration.TypeDocumentStorage:  {"Files not uploading", "Files uploading slowly"},
	integration.TypeBackgroundChecks: {"Background checks not starting", "Background checks starting slowly"},
	integration.TypeJobBoards:        {"Jobs not posting", "Jobs posting slowly"},
	integration.TypeHRIS:             {"Employee data not syncing", "Employee data syncing slowly"},
	integration.TypePayroll:          {"Payroll not syncing", "Payroll syncing slowly"},
	integration.TypeBenefits:         {"Benefits enrollments not sending", "Benefits enrollments sending slowly"},
	integration.TypeRetirement:       {"401k contributions not sending", "401k contributions sending slowly"},
	integration.TypeEVerify:          {"Work authorization checks not running", "Work authorization checks running slowly"},
	integration.TypeSMS:              {"Text messages not sending", "Text messages sending slowly"},
	integration.TypeVideo:            {"Interview links not creating", "Interview links creating slowly"},
	integration.TypeSlack:            {"Slack messages not posting", "Slack messages posting slowly"},
	integration.TypePhone:            {"Calls not connecting", "Calls connecting slowly"},
	integration.TypeAPIAccess:        {"API requests failing", "API requests slow"},
	integration.TypeWebhooks:         {"Webhook events not delivered", "Webhook events delivered slowly"},
	integration.TypeZapier:           {"Zaps not triggering", "Zaps triggering slowly"},
	integration.TypeSSO:              {"Single sign-on not working", "Single sign-on slow"},
}

// ImpactOf is the impact line of an integration type failing ("Emails not
// sending"); an unknown type reads "<type> not working".
func ImpactOf(typ string) string {
	if i, ok := impacts[typ]; ok {
		return i.down
	}
	return typ + " not working"
}

func slowImpactOf(typ string) string {
	if i, ok := impacts[typ]; ok {
		return i.slow
	}
	return typ + " slow"
}
