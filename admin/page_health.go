package admin

import (
	"fmt"
	"math"
	"net/http"

	"github.com/intimeos/integrations/integration"
)

// healthView is the health screen (§5).
type healthView struct {
	*IntegrationHealth
	Chart     *chart
	Diagnosis *Diagnosis
	// Troubleshoot, Switch: the host configured the troubleshooter and the
	// backup switch.
	Troubleshoot, Switch bool
	HasBackup            bool
	Email                bool
	Alerts               []*Alert
	// Manual: the host configured manual mode; Queued calls wait in it.
	Manual bool
	Queued int
}

// chart is the 24 h chart as inline SVG: one bar per hour, the failed
// part of each in red.
type chart struct {
	Width, Height int
	// Base is the axis's y.
	Base  int
	Bars  []chartBar
	Max   int64
	Label string
}

type chartBar struct {
	X, Width       int
	Y, H           int // all calls
	FailY, FailH   int // the failed part, on top
	Title          string
	Sent, Failed   int64
	HourLabel      string
	ShowHourLabels bool
}

const (
	chartWidth  = 720
	chartHeight = 140
	chartTop    = 10
	chartBottom = 20
)

// newChart draws the hourly buckets.
func newChart(hours []*HourMetrics) *chart {
	c := &chart{Width: chartWidth, Height: chartHeight, Base: chartHeight - chartBottom}
	for _, h := range hours {
		if n := h.Sent + h.Failed; n > c.Max {
			c.Max = n
		}
	}
	if len(hours) == 0 {
		return c
	}
	slot := chartWidth / len(hours)
	plot := chartHeight - chartTop - chartBottom
	for i, h := range hours {
		total := h.Sent + h.Failed
		b := chartBar{X: i*slot + 1, Width: max(slot-2, 1), Sent: h.Sent, Failed: h.Failed,
			HourLabel: h.Start.UTC().Format("15h"), ShowHourLabels: i%6 == 0}
		if c.Max > 0 {
			b.H = int(math.Round(float64(total) / float64(c.Max) * float64(plot)))
			b.FailH = int(math.Round(float64(h.Failed) / float64(c.Max) * float64(plot)))
		}
		b.Y = chartTop + plot - b.H
		b.FailY = b.Y
		b.Title = fmt.Sprintf("%s: %d calls, %d failed", h.Start.UTC().Format("Jan 2 15:04 MST"), total, h.Failed)
		c.Bars = append(c.Bars, b)
	}
	c.Label = fmt.Sprintf("Calls per hour over the last %d hours; at most %d in an hour", len(hours), c.Max)
	return c
}

// healthScreen builds the screen of in.
func (h *Handler) healthScreen(r *http.Request, in *integration.Integration) (*healthView, error) {
	hd, err := h.health(r, in, healthWindowDefault)
	if err != nil {
		return nil, err
	}
	v := &healthView{IntegrationHealth: hd, Chart: newChart(hd.Metrics.Hourly), Troubleshoot: h.cfg.Troubleshooter != nil,
		Switch: h.cfg.Backups != nil, Email: in.Type == integration.TypeEmail, Alerts: []*Alert{}}
	rt, err := h.cfg.Integrations.Route(r.Context(), org(r), in.Type)
	if err != nil {
		return nil, err
	}
	v.HasBackup = rt.Backup != nil && rt.Backup.ID != in.ID
	if h.cfg.Manual != nil {
		v.Manual = true
		if v.Queued, err = h.cfg.Manual.ManualQueueCount(r.Context(), org(r), in.ID); err != nil {
			return nil, err
		}
	}
	alerts, err := h.openAlerts(r, in.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range alerts {
		v.Alerts = append(v.Alerts, toAlert(a))
	}
	return v, nil
}

func (h *Handler) showHealth(w http.ResponseWriter, r *http.Request, in *integration.Integration, d *Diagnosis) {
	v, err := h.healthScreen(r, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Diagnosis = d
	title := "Integration Health - " + in.Name + " (" + in.ProviderName + ")"
	h.render(w, r, "integration_health", http.StatusOK, h.newView(w, r, "integrations", title, v).at(h, "/integrations/"+in.ID.String()+"/health"))
}

func (h *Handler) pageIntegrationHealth(w http.ResponseWriter, r *http.Request) {
	if in := h.integrationPage(w, r); in != nil {
		h.showHealth(w, r, in, nil)
	}
}

// pageIntegrationTroubleshoot runs the troubleshooter and shows its
// diagnosis on the health screen.
func (h *Handler) pageIntegrationTroubleshoot(w http.ResponseWriter, r *http.Request) {
	in := h.integrationPage(w, r)
	if in == nil {
		return
	}
	d, err := h.troubleshoot(r, in.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showHealth(w, r, in, d)
}
