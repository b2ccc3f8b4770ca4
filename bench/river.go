package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// deliveryArgs is the River job that does what one SDK delivery does:
// sign the payload, POST it, record the attempt in a row.
type deliveryArgs struct {
	URL     string          `json:"url"`
	EventID uuid.UUID       `json:"event_id"`
	Payload json.RawMessage `json:"payload"`
}

func (deliveryArgs) Kind() string { return "bench_delivery" }

// deliveryWorker works deliveryArgs.
type deliveryWorker struct {
	river.WorkerDefaults[deliveryArgs]
	e      *env
	client *http.Client
	secret []byte
}

// Work signs as the SDK does (X-InTime-Signature and Standard Webhooks),
// POSTs, and inserts the attempt row.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	body := job.Args.Payload
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	id := "msg_" + job.Args.EventID.String()
	mac := hmac.New(sha256.New, w.secret)
	mac.Write(body)
	sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	mac = hmac.New(sha256.New, w.secret)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	hdr := http.Header{"X-Intime-Event": {"job.created"}, "X-Intime-Delivery": {job.Args.EventID.String()},
		"X-Intime-Attempt": {strconv.Itoa(job.Attempt)}, "X-Intime-Signature": {sig}, "Webhook-Id": {id},
		"Webhook-Timestamp": {ts}, "Webhook-Signature": {"v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))}}
	start := time.Now()
	status, err := postStatus(ctx, w.client, job.Args.URL, body, hdr)
	if err != nil {
		return err
	}
	_, err = w.e.db.pool.Exec(ctx, `INSERT INTO bench_attempts (job_id, event_id, status, response_status, duration_ms)
		VALUES ($1, $2, 'success', $3, $4)`, job.ID, job.Args.EventID, status, time.Since(start).Milliseconds())
	return err
}

// postStatus is post returning the answer's status.
func postStatus(ctx context.Context, c *http.Client, url string, body []byte, hdr http.Header) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytesReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = hdr
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, resp.Body.Close()
}

// noopArgs is River's bare queue: a job that does nothing.
type noopArgs struct{}

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
}

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// runRiverJob runs n delivery jobs on River.
func runRiverJob(ctx context.Context, e *env) (*result, error) {
	if _, err := e.db.pool.Exec(ctx, `CREATE TABLE bench_attempts (id BIGSERIAL PRIMARY KEY, job_id BIGINT NOT NULL,
		event_id UUID NOT NULL, status TEXT NOT NULL, response_status INT, duration_ms BIGINT,
		created_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &deliveryWorker{e: e, client: e.rcv.client(), secret: []byte("0123456789abcdef01234567")})
	args := make([]river.InsertManyParams, e.n)
	for i := range args {
		payload := fmt.Appendf(nil, `{"type":"job.created","data":{"n":%d}}`, i)
		args[i] = river.InsertManyParams{Args: deliveryArgs{URL: fmt.Sprintf("%s/hooks/bench%d", e.rcv.URL, i%subscriptions),
			EventID: uuid.New(), Payload: payload}}
	}
	return runRiver(ctx, e, workers, args)
}

// runRiverNoop runs n no-op jobs on River.
func runRiverNoop(ctx context.Context, e *env) (*result, error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, noopWorker{})
	args := make([]river.InsertManyParams, e.n)
	for i := range args {
		args[i] = river.InsertManyParams{Args: noopArgs{}}
	}
	return runRiver(ctx, e, workers, args)
}

// runRiver migrates River's tables, inserts the jobs, then starts a client
// with the workers (16 workers, 1 ms fetch cooldown) and measures until
// every job is completed.
func runRiver(ctx context.Context, e *env, workers *river.Workers, args []river.InsertManyParams) (*result, error) {
	driver := riverpgxv5.New(e.db.pool)
	mig, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: e.db.schema})
	if err != nil {
		return nil, err
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, &river.Config{Schema: e.db.schema, Workers: workers,
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 16}},
		FetchCooldown: time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(args); i += 1000 {
		if _, err := client.InsertMany(ctx, args[i:min(i+1000, len(args))]); err != nil {
			return nil, err
		}
	}
	events, cancel := client.SubscribeConfig(&river.SubscribeConfig{ChanSize: len(args),
		Kinds: []river.EventKind{river.EventKindJobCompleted, river.EventKindJobFailed}})
	defer cancel()
	wait := func() error {
		for done := 0; done < len(args); {
			select {
			case ev := <-events:
				if ev.Kind != river.EventKindJobCompleted {
					return fmt.Errorf("bench: job failed: %v", ev.Job.Errors)
				}
				done++
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	res, err := measure(ctx, e, func() error { return client.Start(ctx) }, wait)
	if stopErr := client.Stop(ctx); err == nil {
		err = stopErr
	}
	return res, err
}
