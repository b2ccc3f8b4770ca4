package admin

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/integration"
)

// ManualModeInput switches an integration's manual mode (§9).
type ManualModeInput struct {
	// On queues the integration's calls; false tests it, then replays the
	// queue in order.
	On bool `json:"on"`
}

// ManualModeState is an integration after its manual mode changed.
type ManualModeState struct {
	Integration *Integration `json:"integration"`
	// Queued is how many calls wait for the replay.
	Queued int `json:"queued"`
}

// LogClearResult says how many entries a Clear removed.
type LogClearResult struct {
	Deleted int `json:"deleted"`
}

func (h *Handler) fallbackOps() []*operation {
	return []*operation{
		op(h, "POST", "/api/integrations/{id}/manual-mode", "integrationManualMode", "integrations",
			"Manual mode (§9): on queues the integration's calls durably; off tests it, then replays the queue in order.", 200, h.apiManualMode),
		op(h, "POST", "/api/integrations/{id}/logs/clear", "integrationLogClear", "logs",
			"Clear one integration's log (§8); the clearing itself is logged with the admin's name.", 200, h.apiLogClear),
	}
}

func (h *Handler) apiManualMode(r *http.Request, in *ManualModeInput) (*ManualModeState, error) {
	cur, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	return h.manualMode(r, cur.ID, in.On)
}

// manualMode switches the mode and says how many calls still wait.
func (h *Handler) manualMode(r *http.Request, id uuid.UUID, on bool) (*ManualModeState, error) {
	if h.cfg.Manual == nil {
		return nil, notConfigured("Manual mode")
	}
	out, err := h.cfg.Manual.ManualModeSet(r.Context(), org(r), id, on)
	if err != nil {
		return nil, manualError(err)
	}
	n, err := h.cfg.Manual.ManualQueueCount(r.Context(), org(r), id)
	if err != nil {
		return nil, err
	}
	action := "integrationManualModeOff"
	if on {
		action = "integrationManualModeOn"
	}
	if err := h.auditChange(r, action, "integration", id); err != nil {
		return nil, err
	}
	return &ManualModeState{Integration: toIntegration(out, h.now()), Queued: n}, nil
}

// manualError says what a failed re-enable left behind.
func manualError(err error) error {
	var (
		cf *integration.CheckFailedError
		re *integration.ReplayError
	)
	switch {
	case errors.As(err, &cf):
		return &APIError{Status: http.StatusUnprocessableEntity, Code: CodeTestFailed,
			Message: "The connection test failed, so the integration stays in manual mode: " + cf.Message}
	case errors.As(err, &re):
		return &APIError{Status: http.StatusConflict, Code: CodeConflict, Message: fmt.Sprintf(
			"Replayed %d queued calls; the next one failed, so %d stay queued and the integration stays in manual mode.", re.Replayed, re.Pending)}
	case errors.Is(err, integration.ErrReplayBusy):
		return &APIError{Status: http.StatusConflict, Code: CodeConflict, Message: "Another server is replaying this queue. Wait for it to finish."}
	}
	return err
}

func (h *Handler) apiLogClear(r *http.Request, _ *none) (*LogClearResult, error) {
	cur, err := h.integrationOf(r)
	if err != nil {
		return nil, err
	}
	n, err := h.logClear(r, cur.ID)
	if err != nil {
		return nil, err
	}
	return &LogClearResult{Deleted: n}, nil
}

// logClear clears the integration's log, audited first.
func (h *Handler) logClear(r *http.Request, id uuid.UUID) (int, error) {
	if h.cfg.LogClear == nil {
		return 0, notConfigured("Clearing logs")
	}
	if err := h.auditChange(r, "integrationLogClear", "integration", id); err != nil {
		return 0, err
	}
	return h.cfg.LogClear.LogClear(r.Context(), org(r), id, actorOf(principalOf(r.Context())))
}

// pageManualMode switches the manual mode from the health screen.
func (h *Handler) pageManualMode(w http.ResponseWriter, r *http.Request) {
	on := r.PostFormValue("on") == "true"
	question, done := "Queue this integration's calls until it is back? Nothing is sent meanwhile.", "Manual mode on: calls are queued."
	if !on {
		question, done = "", "Tested, queued calls replayed, manual mode off."
	}
	h.integrationAction(question, done, func(r *http.Request, id uuid.UUID) error {
		_, err := h.manualMode(r, id, on)
		return err
	})(w, r)
}

// pageLogClear clears an integration's log from the logs screen.
func (h *Handler) pageLogClear(w http.ResponseWriter, r *http.Request) {
	h.integrationAction("Clear this integration's log? The entries are deleted; the clearing itself is logged.", "Log cleared.",
		func(r *http.Request, id uuid.UUID) error {
			_, err := h.logClear(r, id)
			return err
		})(w, r)
}
