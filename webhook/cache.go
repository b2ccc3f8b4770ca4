package webhook

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// subscriptionCacheTTL bounds how long workers reuse a subscription (URL,
// secrets, policy) read from the store. Changes made through this
// Dispatcher apply at once; changes made by another process within this
// time, and a regenerated secret keeps signing beside its successor far
// longer than that.
const subscriptionCacheTTL = time.Second

// subscriptionCache spares workers a store read and two decryptions per
// attempt.
type subscriptionCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]*cachedSubscription
	// epoch counts local changes: a read that a change overtook is not
	// cached, so that the change applies at once.
	epoch uint64
}

type cachedSubscription struct {
	webhook *storage.Webhook
	policy  retry.Policy
	until   time.Time
}

// lookup returns a subscription and its policy, from the cache when fresh.
func (d *Dispatcher) lookup(ctx context.Context, orgID, id uuid.UUID) (*storage.Webhook, retry.Policy, error) {
	c := &d.cache
	now := time.Now()
	c.mu.Lock()
	e, epoch := c.m[id], c.epoch
	c.mu.Unlock()
	if e != nil && now.Before(e.until) && e.webhook.OrganizationID == orgID {
		return e.webhook, e.policy, nil
	}
	w, err := d.store.WebhookGet(ctx, orgID, id)
	if err != nil {
		return nil, retry.Policy{}, err
	}
	pol, err := d.Policy(ctx, w)
	if err != nil {
		return nil, retry.Policy{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return w, pol, nil // something changed meanwhile: use it, but do not keep it
	}
	if c.m == nil || len(c.m) > 10000 {
		c.m = make(map[uuid.UUID]*cachedSubscription)
	}
	c.m[id] = &cachedSubscription{webhook: w, policy: pol, until: now.Add(subscriptionCacheTTL)}
	return w, pol, nil
}

// forget drops a subscription from the cache after a local change, and
// keeps a read already under way from caching what it found.
func (d *Dispatcher) forget(id uuid.UUID) {
	c := &d.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
	c.epoch++
}

// markDisabled makes this process's workers see w as disabled at once,
// before the finisher records the 410 that disabled it: the rows of w
// already claimed are then released, not sent to an endpoint that is gone.
func (d *Dispatcher) markDisabled(w *storage.Webhook, pol retry.Policy, reason string) {
	off := *w
	off.Status, off.DisabledReason = storage.WebhookDisabled, reason
	c := &d.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[uuid.UUID]*cachedSubscription)
	}
	c.m[w.ID] = &cachedSubscription{webhook: &off, policy: pol, until: time.Now().Add(subscriptionCacheTTL)}
}
