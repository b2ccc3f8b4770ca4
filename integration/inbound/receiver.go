package inbound

import (
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
	"github.com/intimeos/integrations/storage"
)

// Receiver receives the events providers post about an organization's
// integrations: it is the http.Handler the host mounts at Config.BaseURL,
// and it manages each integration's endpoint (its URL and event
// checkboxes). It is safe for concurrent use; every host process may run
// one on the same store.
type Receiver struct {
	cfg     Config
	store   storage.Store
	rec     *integration.Recorder
	alerts  AlertRaiser
	alerter *alerter
	stats   counters
}

// New returns a Receiver configured by cfg.
func New(cfg *Config) (*Receiver, error) {
	c := cfg.WithDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	r := &Receiver{cfg: c, store: c.Manager.Store(), rec: c.Manager.Recorder()}
	r.alerts = c.Alerts
	if r.alerts == nil {
		r.alerts = r.store
	}
	r.alerter = &alerter{rc: r, last: map[uuid.UUID]time.Time{}}
	return r, nil
}

func (r *Receiver) now() time.Time { return r.cfg.Clock().UTC() }
