package oidc

import "context"

// gate is a lock that a waiter can give up on when its context ends: one
// fetch at a time per issuer document or key set, without a goroutine.
type gate chan struct{}

func newGate() gate { return make(gate, 1) }

func (g gate) lock(ctx context.Context) error {
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g gate) unlock() { <-g }
