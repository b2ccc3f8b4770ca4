package snstest

import (
	"encoding/json"
	"time"

	"github.com/intimeos/integrations/providers/ses"
)

// Bounce returns an SES bounce notification (notificationType Bounce) of
// the message sesID with a permanent bounce of each recipient.
func Bounce(sesID string, at time.Time, recipients ...string) string {
	rs := make([]map[string]string, len(recipients))
	for i, r := range recipients {
		rs[i] = map[string]string{"emailAddress": r, "action": "failed", "status": "5.1.1",
			"diagnosticCode": "smtp; 550 5.1.1 user unknown"}
	}
	return encode(map[string]any{
		"notificationType": "Bounce",
		"bounce": map[string]any{"bounceType": "Permanent", "bounceSubType": "General", "bouncedRecipients": rs,
			"timestamp": at.UTC().Format(time.RFC3339Nano), "feedbackId": "0100-feedback-" + sesID},
		"mail": mail(sesID, at, recipients),
	})
}

// Complaint returns an SES complaint notification of the message sesID.
func Complaint(sesID string, at time.Time, recipients ...string) string {
	rs := make([]map[string]string, len(recipients))
	for i, r := range recipients {
		rs[i] = map[string]string{"emailAddress": r}
	}
	return encode(map[string]any{
		"notificationType": "Complaint",
		"complaint": map[string]any{"complainedRecipients": rs, "timestamp": at.UTC().Format(time.RFC3339Nano),
			"complaintFeedbackType": "abuse", "feedbackId": "0100-feedback-" + sesID},
		"mail": mail(sesID, at, recipients),
	})
}

// Delivery returns an SES delivery notification of the message sesID.
func Delivery(sesID string, at time.Time, recipients ...string) string {
	return encode(map[string]any{
		"notificationType": "Delivery",
		"delivery": map[string]any{"recipients": recipients, "timestamp": at.UTC().Format(time.RFC3339Nano),
			"processingTimeMillis": 546, "smtpResponse": "250 ok: Message 64111812 accepted"},
		"mail": mail(sesID, at, recipients),
	})
}

func mail(sesID string, at time.Time, to []string) map[string]any {
	return map[string]any{"timestamp": at.Add(-time.Minute).UTC().Format(time.RFC3339Nano), "messageId": sesID,
		"source": "noreply@intime.example", "destination": to,
		"tags": map[string][]string{ses.TagMessageID: {"msg-" + sesID}}}
}

func encode(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
