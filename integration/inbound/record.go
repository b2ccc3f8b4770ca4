package inbound

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// keep stores a verified request's events that pass the endpoint's
// categories, logs the new ones, hands them to the host and evaluates the
// rate alerts.
func (r *Receiver) keep(ctx context.Context, ep *storage.InboundEndpoint, in *storage.Integration, evs []providers.Event) *outcome {
	inputs := make([]*storage.InboundEventInput, 0, len(evs))
	for i := range evs {
		e := &evs[i]
		if !kept(e.Type, ep.Categories) {
			continue
		}
		inp := &storage.InboundEventInput{EventID: eventID(e), Type: e.Type, Data: e.Data}
		if len(inp.Data) == 0 {
			inp.Data = json.RawMessage(`{}`)
		}
		if !e.Time.IsZero() {
			at := e.Time.UTC()
			inp.OccurredAt = &at
		}
		inputs = append(inputs, inp)
	}
	ignored := len(evs) - len(inputs)
	if len(inputs) == 0 {
		return accept(len(evs), 0, 0, ignored)
	}
	res, err := r.store.InboundEventRecord(ctx, &storage.InboundRecordParams{OrganizationID: in.OrganizationID,
		IntegrationID: in.ID, Provider: in.Provider, Events: inputs, MetricPrefix: MetricPrefix})
	if err != nil {
		return unavailable("store events: " + err.Error())
	}
	r.logEvents(ctx, in, res.Inserted)
	if err := r.publish(ctx, in, slices.Concat(res.Inserted, res.Unpublished)); err != nil {
		return unavailable("hand events to the host: " + err.Error())
	}
	if len(res.Inserted) > 0 {
		r.alerter.check(ctx, in, typesOf(res.Inserted))
	}
	return accept(len(evs), len(res.Inserted), len(inputs)-len(res.Inserted), ignored)
}

// publish hands events to the host: Config.OnEvents, then the outbound
// webhooks of the types the Dispatcher's catalog has, then marks them
// published. Until it succeeds they stay unpublished, and the provider's
// retry (answered 503 meanwhile) publishes them again.
func (r *Receiver) publish(ctx context.Context, in *storage.Integration, rows []*storage.InboundEvent) error {
	if len(rows) == 0 {
		return nil
	}
	b := &Batch{OrganizationID: in.OrganizationID, IntegrationID: in.ID, Provider: in.Provider, Events: make([]*Event, len(rows))}
	ids := make([]uuid.UUID, len(rows))
	for i, row := range rows {
		b.Events[i], ids[i] = eventOf(row), row.ID
	}
	if r.cfg.OnEvents != nil {
		if err := r.cfg.OnEvents(ctx, b); err != nil {
			return fmt.Errorf("Config.OnEvents: %w", err)
		}
	}
	if err := r.republish(ctx, b); err != nil {
		return err
	}
	return r.store.InboundEventPublished(ctx, in.OrganizationID, ids)
}

// republish publishes the batch's events that the outbound catalog has, in
// one transaction, each with its own idempotency key.
func (r *Receiver) republish(ctx context.Context, b *Batch) error {
	d := r.cfg.Webhooks
	if d == nil {
		return nil
	}
	var out []*webhook.Event
	for _, e := range b.Events {
		if _, ok := d.Catalog().Lookup(e.Type); !ok {
			continue
		}
		data, err := json.Marshal(OutboundData{ID: e.ID, IntegrationID: e.IntegrationID, Provider: e.Provider,
			ProviderEventID: e.ProviderEventID, OccurredAt: e.OccurredAt, Data: e.Data})
		if err != nil {
			return err
		}
		at := e.ReceivedAt
		if e.OccurredAt != nil {
			at = *e.OccurredAt
		}
		out = append(out, &webhook.Event{Type: e.Type, Timestamp: at, Data: json.RawMessage(data),
			IdempotencyKey: "inbound:" + e.ID.String()})
	}
	if len(out) == 0 {
		return nil
	}
	if _, err := d.PublishBatch(ctx, b.OrganizationID, out); err != nil {
		return fmt.Errorf("republish: %w", err)
	}
	return nil
}

// logEvents writes the new events to the integration's log: one entry per
// event that needs attention (bounces, spam reports, unsubscribes, failed
// text messages, background check results, SNS subscription changes),
// and one summary of the others ("Received 120 events from SendGrid: 100
// email.opened, 20 email.clicked"), so that opens and clicks do not flood
// the log.
func (r *Receiver) logEvents(ctx context.Context, in *storage.Integration, rows []*storage.InboundEvent) {
	routine := map[string]int{}
	for _, e := range rows {
		level, msg, notable := describe(e)
		if !notable {
			routine[e.Type]++
			continue
		}
		r.log(ctx, in, level, msg, map[string]any{"event": e.Type, "eventId": e.ID.String(),
			"providerEventId": e.EventID, "data": e.Data})
	}
	if len(routine) == 0 {
		return
	}
	types := make([]string, 0, len(routine))
	n := 0
	for t, c := range routine {
		types = append(types, fmt.Sprintf("%d %s", c, t))
		n += c
	}
	sort.Strings(types)
	r.log(ctx, in, storage.LogInfo, fmt.Sprintf("Received %d events: %s", n, strings.Join(types, ", ")),
		map[string]any{"counts": routine})
}

func (r *Receiver) log(ctx context.Context, in *storage.Integration, level storage.LogLevel, msg string, details map[string]any) {
	err := r.rec.Log(ctx, &integration.LogEntry{OrganizationID: in.OrganizationID, IntegrationID: in.ID, Level: level,
		Message: msg, Details: details, Time: r.now()})
	if err != nil {
		r.cfg.Logger.Warn("inbound: log entry dropped", "integration", in.ID, "err", err)
	}
}

// fields are the normalised payload fields the log messages name.
type fields struct {
	Email       string `json:"email"`
	To          string `json:"to"`
	Reason      string `json:"reason"`
	ErrorCode   string `json:"errorCode"`
	CheckrType  string `json:"checkrType"`
	ReportID    string `json:"reportId"`
	CandidateID string `json:"candidateId"`
	Result      string `json:"result"`
	TopicARN    string `json:"topicArn"`
}

// describe returns an event's log level and message, and whether it needs
// attention (an entry of its own).
func describe(e *storage.InboundEvent) (storage.LogLevel, string, bool) {
	var f fields
	_ = json.Unmarshal(e.Data, &f)
	with := func(s, extra string) string {
		if extra != "" {
			return s + ": " + extra
		}
		return s
	}
	switch {
	case e.Type == "email.bounced":
		return storage.LogWarn, with("Email bounced", f.Email), true
	case e.Type == "email.dropped":
		return storage.LogWarn, with("Email dropped", f.Email), true
	case e.Type == "email.complained":
		return storage.LogWarn, with("Spam report", f.Email), true
	case e.Type == "email.unsubscribed":
		return storage.LogInfo, with("Unsubscribed", f.Email), true
	case e.Type == "sms.failed" || e.Type == "sms.undelivered":
		return storage.LogWarn, with("Text message not delivered", strings.TrimSpace(f.To+" "+f.ErrorCode)), true
	case strings.HasPrefix(e.Type, "background_check."):
		return storage.LogInfo, with("Background check "+strings.TrimPrefix(e.Type, "background_check."),
			strings.TrimSpace(f.ReportID+" "+f.Result)), true
	case strings.HasPrefix(e.Type, "sns."):
		return storage.LogInfo, with("SNS "+strings.ReplaceAll(strings.TrimPrefix(e.Type, "sns."), "_", " "), f.TopicARN), true
	}
	return storage.LogInfo, "", false
}

func typesOf(rows []*storage.InboundEvent) []string {
	var out []string
	for _, e := range rows {
		if !slices.Contains(out, e.Type) {
			out = append(out, e.Type)
		}
	}
	return out
}
