package webhook

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// Dispatcher manages subscriptions and delivers events to them. It is the
// package's facade: subscriptions, publishing, the delivery workers,
// history, replay, the dead letter queue and test sends. Make one with
// [New], start its workers with [Dispatcher.Start] and stop them with
// [Dispatcher.Stop]. Publishing and the admin calls work without Start (a
// host may run the workers in another process).
type Dispatcher struct {
	store   storage.Store
	cfg     *Config
	catalog *Catalog
	client  *http.Client
	// claimer identifies this Dispatcher's claims, so that
	// PerSubscriptionLimit counts its own leases only.
	claimer uuid.UUID
	// wake is signalled by every publish in this process.
	wake chan struct{}
	// pump is the store, when it records and claims in one round trip.
	pump storage.DeliveryPumper
	// held counts the rows this Dispatcher holds per subscription.
	held holdings
	// capSem (one place) is held by a capped claim or a capped leased
	// publish from reading held until it has added the rows it leased, so
	// that the two never lease past PerSubscriptionLimit together.
	capSem chan struct{}
	// handingOff is held by the one publish handing rows to the workers
	// (see publishLeased).
	handingOff sync.Mutex
	// backlog reports that the last claim found rows (see settle).
	backlog atomic.Bool

	cache subscriptionCache

	mu      sync.Mutex
	running *runner
	// stopping is the runner a Stop is shutting down, for concurrent
	// Stops to wait for.
	stopping *runner
}

// New returns a Dispatcher on store. cfg may be nil; it is copied.
func New(store storage.Store, cfg *Config) (*Dispatcher, error) {
	if isNil(store) {
		return nil, nilArg("New", "store")
	}
	c := cfg.WithDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	catalog := NewCatalog(DefaultEvents()...)
	for _, t := range c.Events {
		if err := catalog.Register(t); err != nil {
			return nil, err
		}
	}
	d := &Dispatcher{store: store, cfg: c, catalog: catalog, client: newClient(c.Transport), claimer: uuid.New(),
		wake: make(chan struct{}, 1), capSem: make(chan struct{}, 1)}
	d.pump, _ = store.(storage.DeliveryPumper)
	d.cfg.OnDeadLetter = d.withDLQAlert(c.OnDeadLetter)
	return d, nil
}

// Catalog returns the event catalog; the host may register more types.
func (d *Dispatcher) Catalog() *Catalog { return d.catalog }

func (d *Dispatcher) now() time.Time { return d.cfg.Clock().UTC() }

// notify wakes an idle worker loop of this process.
func (d *Dispatcher) notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Policy returns the retry policy that applies to a subscription: its own,
// else the organization's (Config.OrgPolicy), else Config.DefaultPolicy. A
// policy that does not validate is logged as an error and passed over for
// the next one, so that a bad default cannot stall deliveries (a zero
// attempt timeout would release every claimed row unattempted).
func (d *Dispatcher) Policy(ctx context.Context, w *storage.Webhook) (retry.Policy, error) {
	if err := checkCtx(ctx, "Policy"); err != nil {
		return retry.Policy{}, err
	}
	if w == nil {
		return retry.Policy{}, nilArg("Policy", "subscription")
	}
	if p := decodePolicy(w.RetryPolicy); p != nil {
		err := p.Validate()
		if err == nil {
			return *p, nil
		}
		d.cfg.Logger.Error("webhook: subscription's retry policy is invalid; using the organization's",
			"webhook", w.ID, "err", err)
	}
	return d.orgPolicy(ctx, w.OrganizationID)
}

func (d *Dispatcher) orgPolicy(ctx context.Context, orgID uuid.UUID) (retry.Policy, error) {
	if d.cfg.OrgPolicy == nil {
		return *d.cfg.DefaultPolicy, nil
	}
	p, err := d.cfg.OrgPolicy(ctx, orgID)
	switch {
	case err != nil:
		return retry.Policy{}, err
	case p == nil:
		return *d.cfg.DefaultPolicy, nil
	}
	if err := p.Validate(); err != nil {
		d.cfg.Logger.Error("webhook: Config.OrgPolicy returned an invalid policy; using Config.DefaultPolicy",
			"organization", orgID, "err", err)
		return *d.cfg.DefaultPolicy, nil
	}
	return *p, nil
}
