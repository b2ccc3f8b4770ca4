package main

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"sync/atomic"
)

// runRaw POSTs n unsigned bodies with the workers and a plain keep-alive
// client: the ceiling, with no queue at all.
func runRaw(ctx context.Context, e *env) (*result, error) {
	c := e.rcv.client()
	body := bytes.Repeat([]byte("x"), 120)
	var left atomic.Int64
	left.Store(int64(e.n))
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	e.rcv.expect(e.n)
	return measure(ctx, e, func() error {
		for range workers {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					if err := post(ctx, c, e.rcv.URL, body, nil); err != nil {
						once.Do(func() { firstErr = err })
						return
					}
				}
			})
		}
		return nil
	}, func() error { wg.Wait(); return firstErr })
}

// post sends body and reads the answer.
func post(ctx context.Context, c *http.Client, url string, body []byte, hdr http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = resp.Body.Read(make([]byte, 512))
	return resp.Body.Close()
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
