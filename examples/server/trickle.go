package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/email"
	"github.com/intimeos/integrations/webhook"
)

// trickleEvery is the demo's pace: something happens every tick.
const trickleEvery = 2 * time.Second

// trickle is the host's traffic: a webhook event every tick, a directory
// sync every third, an email every fifth, API calls every tick and a burst
// that the rate limit throttles every thirtieth. The first tick is at
// once, so the dashboard has live data within seconds.
func (d *demo) trickle(ctx context.Context) {
	t := time.NewTicker(trickleEvery)
	defer t.Stop()
	for n := 0; ; n++ {
		d.tick(ctx, n)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (d *demo) tick(ctx context.Context, n int) {
	if err := d.publish(ctx, n); err != nil {
		d.log.WarnContext(ctx, "demo: publish failed", "error", err)
	}
	if n%3 == 0 {
		// Errors are the directory's every fifth answer: recorded in the
		// integration's log by the Manager.
		_, _ = d.mgr.Dispatch(ctx, demoOrg, integration.TypeHRIS, &providers.Operation{Name: opDirectory})
	}
	if n%5 == 0 {
		_, _ = d.mgr.Email(demoOrg).Send(ctx, &email.Message{To: []string{fmt.Sprintf("candidate%d@example.com", n)},
			Subject: "Interview Invitation", Text: "See you at 10."})
	}
	d.callAPI(ctx, "/v1/jobs")
	if n%4 == 0 {
		d.callAPI(ctx, "/v1/jobs/unknown") // a 404: the usage's client errors
	}
	if n%30 == 0 {
		for range 25 {
			d.callAPI(ctx, fmt.Sprintf("/v1/jobs/JOB-2025-%04d", n)) // past 20 a minute: throttled
		}
	}
}

// publish publishes a job event, and every fifth tick a submission (whose
// webhook fails into the dead letter queue).
func (d *demo) publish(ctx context.Context, n int) error {
	ev := &webhook.Event{Type: webhook.EventJobCreated, Data: map[string]any{"job_id": fmt.Sprintf("JOB-2025-%04d", n),
		"title": "Senior Java Developer", "status": "active", "bill_rate": 85.00}}
	if n%5 == 1 {
		ev = &webhook.Event{Type: webhook.EventSubmissionCreated, Data: map[string]any{"submission_id": fmt.Sprintf("SUB-%04d", n),
			"job_id": fmt.Sprintf("JOB-2025-%04d", n-1), "candidate_id": "CAND-0042"}}
	}
	_, err := d.hooks.Publish(ctx, demoOrg, ev)
	return err
}

// apiClient is the demo's API client.
var apiClient = &http.Client{Timeout: 5 * time.Second}

// callAPI calls the host's API with the demo token, as a client would.
func (d *demo) callAPI(ctx context.Context, path string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.base+path, nil)
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := apiClient.Do(req)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
}
