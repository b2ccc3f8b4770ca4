package admin

import (
	"net/http"

	"github.com/google/uuid"
)

// dlqView is the dead letter queue (§13, ADMIN-INT-013).
type dlqView struct {
	Items []*DeadLetter
	Next  string
	Count int
	More  bool
	Names map[uuid.UUID]string
}

func (h *Handler) pageDLQ(w http.ResponseWriter, r *http.Request) {
	_, cursor, err := pageQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page, err := h.dlqPage(r, uuid.Nil, 50, cursor)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &dlqView{Items: page.Items, Next: page.Next, Names: map[uuid.UUID]string{}}
	if v.Count, v.More, err = h.dlqCount(r); err != nil {
		h.fail(w, r, err)
		return
	}
	hooks, err := h.listWebhooks(r, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, wh := range hooks {
		v.Names[wh.ID] = wh.Name
	}
	h.render(w, r, "dlq", http.StatusOK, h.newView(w, r, "dlq", "Dead letter queue", v))
}

func (h *Handler) pageDLQRetry(w http.ResponseWriter, r *http.Request) {
	d, err := h.apiDLQRetry(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/dlq", "Retried: "+d.EventType+" was queued again.")
}

func (h *Handler) pageDLQDelete(w http.ResponseWriter, r *http.Request) {
	if !h.confirmed(w, r, "Delete this entry without retrying it? The delivery stays in the history.", "/dlq") {
		return
	}
	if _, err := h.apiDLQDelete(r, nil); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/dlq", "Entry deleted.")
}

func (h *Handler) pageDLQRetryAll(w http.ResponseWriter, r *http.Request) {
	n, err := h.apiDLQRetryAll(r, &DLQScope{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/dlq", "Retried "+itoa(n.Count)+" entries.")
}

func (h *Handler) pageDLQClear(w http.ResponseWriter, r *http.Request) {
	if !h.confirmed(w, r, "Clear the dead letter queue? Every entry is removed without being retried.", "/dlq") {
		return
	}
	n, err := h.apiDLQClear(r, &DLQScope{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/dlq", "Cleared "+itoa(n.Count)+" entries.")
}
