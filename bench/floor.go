package main

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The floor scenario makes the SDK's two row writes per delivery by hand,
// with nothing else: the deliveries of runSDK are published the same way,
// then two connections take them 32 at a time and, per batch, in one
// round trip and one commit (as the SDK's recorder does), lease them
// (claim_id, locked_until: the claim's update) and record a 200 on them
// (status, the response and request headers, the lease cleared: the
// result's update). No HTTP request is made. Its PostgreSQL CPU per
// delivery is what those writes cost on this schema, the floor under any
// queue that keeps the documented columns and indexes.
const (
	floorBatch   = 32
	floorWorkers = 2
)

// floorHeaders are request headers as the SDK records them.
const floorHeaders = `{"Content-Type":["application/json"],"User-Agent":["InTime-Webhooks/1.0"],` +
	`"Webhook-Id":["msg_2c1a2b3c4d5e6f708192a3b4c5d6e7f8"],"Webhook-Timestamp":["1764950400"],` +
	`"Webhook-Signature":["v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="],` +
	`"X-Intime-Signature":["t=1764950400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"]}`

const (
	floorLeaseSQL  = `UPDATE webhook_deliveries SET claim_id = $1, locked_until = $2 WHERE id = ANY($3::uuid[])`
	floorFinishSQL = `UPDATE webhook_deliveries SET status = 'success', response_status = 200, response_body = '',
	request_headers = $1::jsonb, response_headers = '{"Content-Type":["text/plain"]}'::jsonb, duration_ms = 1,
	delivered_at = $2, claim_id = NULL, locked_until = NULL WHERE id = ANY($3::uuid[])`
)

// runFloor measures the floor (see above).
func runFloor(ctx context.Context, e *env) (*result, error) {
	if _, err := publishSDK(ctx, e); err != nil {
		return nil, err
	}
	rows, err := e.db.pool.Query(ctx, `SELECT id FROM webhook_deliveries ORDER BY id`)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, err
	}
	batches := make(chan []uuid.UUID, len(ids)/floorBatch+1)
	for i := 0; i < len(ids); i += floorBatch {
		batches <- ids[i:min(i+floorBatch, len(ids))]
	}
	close(batches)
	var wg sync.WaitGroup
	errs := make(chan error, floorWorkers)
	start := func() error {
		for range floorWorkers {
			wg.Go(func() {
				for b := range batches {
					if err := floorWrite(ctx, e, b); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		return nil
	}
	wait := func() error {
		wg.Wait()
		close(errs)
		return <-errs
	}
	return measure(ctx, e, start, wait)
}

// floorWrite leases and records one batch in one round trip.
func floorWrite(ctx context.Context, e *env, ids []uuid.UUID) error {
	now := time.Now()
	b := &pgx.Batch{}
	b.Queue(floorLeaseSQL, uuid.New(), now.Add(6*time.Minute), ids)
	b.Queue(floorFinishSQL, floorHeaders, now, ids)
	return e.db.pool.SendBatch(ctx, b).Close()
}
