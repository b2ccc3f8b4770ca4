package integration

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/intimeos/integrations/storage"
)

// Defaults of [CollectorOpts].
const (
	CollectorWindowDefault  = time.Hour
	CollectorTimeoutDefault = 10 * time.Second
)

// CollectorOpts configure a [Collector].
type CollectorOpts struct {
	// Organizations returns the organizations whose integrations are
	// exported; the Manager does not know the host's organizations.
	// Required.
	Organizations func(ctx context.Context) ([]uuid.UUID, error)
	// Window is the span of the exported counts, rates and averages,
	// rounded up to whole hours ending with the current one, as
	// [Manager.Metrics] does (default 1 hour: the current hour).
	Window time.Duration
	// Timeout bounds one scrape (default 10 s).
	Timeout time.Duration
}

// Collector exports the dashboard's figures as Prometheus metrics. It is a
// prometheus.Collector the host registers on its own registry (none is
// global): each scrape reads one snapshot of the store. Every series is
// labelled organization_id, integration_id, type and provider:
//
//	intime_integration_info{...,name}             1
//	intime_integration_status{...,status}         1 for the current status, 0 for the others
//	intime_integration_calls{...,outcome}         calls in the window, outcome "success" or "failure"
//	intime_integration_response_seconds_avg{...}  average response time in the window
//	intime_integration_health_checks{...,outcome} health checks in the window
//	intime_integration_uptime_ratio{...}          health checks passed in the window, 0 to 1
//	intime_integration_last_sync_timestamp_seconds{...}
//	intime_integration_last_health_check_timestamp_seconds{...}
//
// and, for this process, intime_integration_recorder_records_total,
// _dropped_total, _lost_total and intime_integration_recorder_queued. A
// snapshot that cannot be read is an invalid metric: the scrape fails.
type Collector struct {
	m    *Manager
	opts CollectorOpts
}

var _ prometheus.Collector = (*Collector)(nil)

var (
	labels     = []string{"organization_id", "integration_id", "type", "provider"}
	descInfo   = prometheus.NewDesc("intime_integration_info", "An integration; the value is 1.", append(labels, "name"), nil)
	descStatus = prometheus.NewDesc("intime_integration_status",
		"1 for the integration's status, 0 for the others.", append(labels, "status"), nil)
	descCalls = prometheus.NewDesc("intime_integration_calls",
		"Calls in the collector's window, by outcome.", append(labels, "outcome"), nil)
	descResponse = prometheus.NewDesc("intime_integration_response_seconds_avg",
		"Average response time of the calls in the collector's window.", labels, nil)
	descChecks = prometheus.NewDesc("intime_integration_health_checks",
		"Health checks in the collector's window, by outcome.", append(labels, "outcome"), nil)
	descUptime = prometheus.NewDesc("intime_integration_uptime_ratio",
		"Share of the health checks that passed in the collector's window (1 without checks).", labels, nil)
	descLastSync = prometheus.NewDesc("intime_integration_last_sync_timestamp_seconds",
		"When the integration was last called.", labels, nil)
	descLastCheck = prometheus.NewDesc("intime_integration_last_health_check_timestamp_seconds",
		"When the integration was last checked.", labels, nil)
	descRecorded = prometheus.NewDesc("intime_integration_recorder_records_total",
		"Records (log entries, observations) this process wrote.", nil, nil)
	descDropped = prometheus.NewDesc("intime_integration_recorder_dropped_total",
		"Records this process dropped because their context ended while its queue was full.", nil, nil)
	descLost = prometheus.NewDesc("intime_integration_recorder_lost_total",
		"Records this process could not write before Stop gave up.", nil, nil)
	descQueued = prometheus.NewDesc("intime_integration_recorder_queued",
		"Records waiting to be written in this process.", nil, nil)
)

var statuses = []storage.IntegrationStatus{storage.IntegrationActive, storage.IntegrationInactive,
	storage.IntegrationError, storage.IntegrationDisabled}

// NewCollector returns the Manager's Prometheus collector.
func (m *Manager) NewCollector(opts *CollectorOpts) (*Collector, error) {
	if opts == nil || opts.Organizations == nil {
		return nil, errors.New("integration: CollectorOpts.Organizations is required")
	}
	o := *opts
	if o.Window <= 0 {
		o.Window = CollectorWindowDefault
	}
	if o.Timeout <= 0 {
		o.Timeout = CollectorTimeoutDefault
	}
	return &Collector{m: m, opts: o}, nil
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInfo, descStatus, descCalls, descResponse, descChecks, descUptime,
		descLastSync, descLastCheck, descRecorded, descDropped, descLost, descQueued} {
		ch <- d
	}
}

// snapshotRow is one integration's figures.
type snapshotRow struct {
	h *storage.IntegrationHealth
	f callFigures
}

// Collect implements prometheus.Collector: it reads one snapshot, then
// sends it.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	st := c.m.rec.Stats()
	ch <- prometheus.MustNewConstMetric(descRecorded, prometheus.CounterValue, float64(st.Recorded))
	ch <- prometheus.MustNewConstMetric(descDropped, prometheus.CounterValue, float64(st.Dropped))
	ch <- prometheus.MustNewConstMetric(descLost, prometheus.CounterValue, float64(st.Lost))
	ch <- prometheus.MustNewConstMetric(descQueued, prometheus.GaugeValue, float64(st.Queued))
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.Timeout)
	defer cancel()
	rows, err := c.snapshot(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descInfo, err)
		return
	}
	for _, r := range rows {
		c.send(ch, r)
	}
}

// snapshot reads every organization's integrations and their figures in
// the window.
func (c *Collector) snapshot(ctx context.Context) ([]snapshotRow, error) {
	orgs, err := c.opts.Organizations(ctx)
	if err != nil {
		return nil, err
	}
	hours := int((c.opts.Window + time.Hour - 1) / time.Hour)
	until := c.m.cfg.Clock().UTC().Truncate(time.Hour).Add(time.Hour)
	since := until.Add(-time.Duration(hours) * time.Hour)
	var rows []snapshotRow
	for _, org := range orgs {
		hs, err := c.m.healthList(ctx, org, "")
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			f, err := c.m.figures(ctx, org, h.ID, since, until)
			if err != nil {
				return nil, err
			}
			rows = append(rows, snapshotRow{h: h, f: *f})
		}
	}
	return rows, nil
}

func (c *Collector) send(ch chan<- prometheus.Metric, r snapshotRow) {
	h := r.h
	lv := []string{h.OrganizationID.String(), h.ID.String(), h.Type, h.Provider}
	with := func(extra string) []string { return append(append([]string(nil), lv...), extra) }
	gauge := func(d *prometheus.Desc, v float64, labels []string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descInfo, 1, with(h.Name))
	for _, s := range statuses {
		v := 0.0
		if h.Status == s {
			v = 1
		}
		gauge(descStatus, v, with(string(s)))
	}
	gauge(descCalls, float64(r.f.calls-r.f.failed), with("success"))
	gauge(descCalls, float64(r.f.failed), with("failure"))
	gauge(descResponse, r.f.avgMS()/1000, lv)
	gauge(descChecks, float64(r.f.checks-r.f.checkFailures), with("success"))
	gauge(descChecks, float64(r.f.checkFailures), with("failure"))
	uptime := 1.0
	if r.f.checks > 0 {
		uptime = float64(r.f.checks-r.f.checkFailures) / float64(r.f.checks)
	}
	gauge(descUptime, uptime, lv)
	if h.LastSync != nil {
		gauge(descLastSync, float64(h.LastSync.UnixNano())/1e9, lv)
	}
	if h.LastHealthCheck != nil {
		gauge(descLastCheck, float64(h.LastHealthCheck.UnixNano())/1e9, lv)
	}
}
