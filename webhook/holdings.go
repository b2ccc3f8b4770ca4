package webhook

import (
	"sync"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// holdings counts the rows this Dispatcher holds per subscription: leased
// by its claims and neither recorded nor released. On a store that pumps
// ([storage.DeliveryPumper]) these counts, not stored ones, cap a claim
// per subscription, so that recording a result writes nothing but its row.
type holdings struct {
	mu sync.Mutex
	n  map[uuid.UUID]int
}

// add counts claimed rows.
func (h *holdings) add(rows []*storage.Delivery) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = make(map[uuid.UUID]int)
	}
	for _, r := range rows {
		h.n[r.WebhookID]++
	}
}

// drop counts a row of webhook out: recorded, released or given up. It
// returns the count before.
func (h *holdings) drop(webhook uuid.UUID) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.n[webhook]
	if n <= 1 {
		delete(h.n, webhook)
	} else {
		h.n[webhook]--
	}
	return n
}

// without returns the counts as they will be once items are recorded.
func (h *holdings) without(items []*finishItem) map[uuid.UUID]int {
	h.mu.Lock()
	out := make(map[uuid.UUID]int, len(h.n))
	for w, n := range h.n {
		out[w] = n
	}
	h.mu.Unlock()
	for _, it := range items {
		out[it.webhook]--
	}
	return out
}
