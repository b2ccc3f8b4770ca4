package inbound

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers/twilio"
	"github.com/intimeos/integrations/storage"
)

// RetryAfter is the Retry-After of a 503: the providers retry on their own
// schedule, and this asks for no sooner.
const RetryAfter = 30

// twiML is the empty TwiML document Twilio's webhooks accept as an answer.
const twiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// outcome is how one request ends.
type outcome struct {
	status int
	// message is the response's error text: generic, never a detail of
	// the store, the provider or the signature.
	message string
	// reason is the detail, for the log and nowhere else.
	reason      string
	provider    string
	integration uuid.UUID
	// The counts of an accepted request.
	received, stored, duplicates, ignored int
}

func refuse(status int, message string) *outcome {
	return &outcome{status: status, message: message, reason: message}
}

func unavailable(reason string) *outcome {
	return &outcome{status: http.StatusServiceUnavailable, message: "temporarily unavailable; retry later", reason: reason}
}

func accept(received, stored, duplicates, ignored int) *outcome {
	return &outcome{status: http.StatusOK, received: received, stored: stored, duplicates: duplicates, ignored: ignored}
}

// about names the integration concerned.
func (o *outcome) about(in *storage.Integration) *outcome {
	if in != nil {
		o.provider, o.integration = in.Provider, in.ID
	}
	return o
}

// because sets the reason logged.
func (o *outcome) because(reason string) *outcome {
	o.reason = reason
	return o
}

// acceptedBody is the JSON answer to an accepted request.
type acceptedBody struct {
	Status     string `json:"status"`
	Received   int    `json:"received"`
	Stored     int    `json:"stored"`
	Duplicates int    `json:"duplicates"`
	Ignored    int    `json:"ignored"`
}

// write answers the provider: JSON, or for Twilio an empty TwiML document
// (which every Twilio webhook accepts).
func (o *outcome) write(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if o.status == http.StatusServiceUnavailable {
		h.Set("Retry-After", strconv.Itoa(RetryAfter))
	}
	if o.status == http.StatusMethodNotAllowed {
		h.Set("Allow", http.MethodPost)
	}
	if o.status < 300 && o.provider == twilio.Name {
		h.Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(o.status)
		_, _ = w.Write([]byte(twiML))
		return
	}
	var body any = map[string]string{"error": o.message}
	if o.status < 300 {
		body = acceptedBody{Status: "accepted", Received: o.received, Stored: o.stored, Duplicates: o.duplicates, Ignored: o.ignored}
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(o.status)
	_ = json.NewEncoder(w).Encode(body)
}

// Stats are a Receiver's counters since it was made, in this process.
// Refused requests are counted here and logged (Config.Logger), never
// written to the store: an unauthenticated request costs the store one
// lookup.
type Stats struct {
	// Requests counts every request; Accepted those answered 2xx.
	Requests, Accepted int64
	// Unauthorized counts 401s (signature missing, wrong or stale, or an
	// event too old); Rejected the other 4xx; Unavailable the 503s.
	Unauthorized, Rejected, Unavailable int64
	// Events counts the events of accepted requests; Stored the new ones,
	// Duplicates those stored before, Ignored those the categories or a
	// disabled integration dropped.
	Events, Stored, Duplicates, Ignored int64
}

type counters struct {
	requests, accepted, unauthorized, rejected, unavailable atomic.Int64
	events, stored, duplicates, ignored                     atomic.Int64
}

func (c *counters) add(o *outcome) {
	c.requests.Add(1)
	switch {
	case o.status < 300:
		c.accepted.Add(1)
		c.events.Add(int64(o.received))
		c.stored.Add(int64(o.stored))
		c.duplicates.Add(int64(o.duplicates))
		c.ignored.Add(int64(o.ignored))
	case o.status == http.StatusUnauthorized:
		c.unauthorized.Add(1)
	case o.status == http.StatusServiceUnavailable:
		c.unavailable.Add(1)
	default:
		c.rejected.Add(1)
	}
}

// Stats returns the Receiver's counters.
func (r *Receiver) Stats() Stats {
	c := &r.stats
	return Stats{Requests: c.requests.Load(), Accepted: c.accepted.Load(), Unauthorized: c.unauthorized.Load(),
		Rejected: c.rejected.Load(), Unavailable: c.unavailable.Load(), Events: c.events.Load(), Stored: c.stored.Load(),
		Duplicates: c.duplicates.Load(), Ignored: c.ignored.Load()}
}
