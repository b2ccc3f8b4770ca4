package jobboards

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/intimeos/integrations/providers"
)

// FeedConfig configures a [FeedHandler]. The zero value is ready to use.
type FeedConfig struct {
	// Now is the clock for an empty feed's build date. Nil means time.Now.
	Now func() time.Time
}

// FeedHandler returns the http.Handler that serves the integration's feeds
// from its feed directory: GET (and HEAD) /{board}.xml for each of its
// boards, application/xml, with Last-Modified from the latest change and
// conditional requests answered 304. Other paths are 404. A host mounts it
// under the integration's public feed URL with http.StripPrefix, for
// example:
//
//	h, err := jobboards.FeedHandler(settings, nil)
//	mux.Handle("/jobs/feeds/", http.StripPrefix("/jobs/feeds", h))
//
// It reads the directory on every request, so jobs added or removed by the
// provider (in this process or a plugin's) show at once.
func FeedHandler(s providers.Settings, cfg *FeedConfig) (http.Handler, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if cfg != nil && cfg.Now != nil {
		now = cfg.Now
	}
	return &feedHandler{st: st, now: now}, nil
}

type feedHandler struct {
	st  *settings
	now func() time.Time
}

func (h *feedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	board, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml")
	if !ok || !slices.Contains(h.st.boards, board) {
		http.NotFound(w, r)
		return
	}
	jobs, latest, err := store{h.st.dir}.list()
	if err != nil {
		http.Error(w, "feed unavailable", http.StatusServiceUnavailable)
		return
	}
	if latest.IsZero() {
		latest = h.now()
	}
	body, err := render(h.st, board, jobs, latest)
	if err != nil {
		http.Error(w, "feed unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	http.ServeContent(w, r, board+".xml", latest, bytes.NewReader(body))
}
