package integration

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
)

// patternKind is what a run of errors has in common.
type patternKind int

const (
	patternNone patternKind = iota
	patternTimeout
	patternAuth
	patternTLS
	patternRateLimit
	patternOutage
)

// The patterns' texts (§5 "Pattern: ..."); %s is the provider's name.
const (
	PatternTimeouts   = "Repeated timeouts suggest network/firewall issue"
	PatternAuth       = "Repeated authentication failures suggest the API key is invalid, expired or revoked"
	PatternTLS        = "Certificate errors suggest an SSL/TLS certificate problem"
	PatternRateLimits = "Repeated rate limiting suggests calls exceed the provider's limits"
	PatternOutage     = "Repeated provider errors suggest %s is having an outage"
)

// MsgCertificateFailed is §16's message for a certificate error.
const MsgCertificateFailed = "SSL certificate verification failed"

// patternMin is how many errors of one kind make a pattern ("repeated").
// One authentication or certificate failure is enough.
var patternMin = map[patternKind]int{patternTimeout: 2, patternRateLimit: 2, patternOutage: 2, patternAuth: 1, patternTLS: 1}

// pattern is the analysis' outcome: its kind, how many errors show it and
// the spec's message of the latest of them.
type pattern struct {
	kind    patternKind
	count   int
	message string
}

func (p pattern) text(display string) string {
	switch p.kind {
	case patternTimeout:
		return PatternTimeouts
	case patternAuth:
		return PatternAuth
	case patternTLS:
		return PatternTLS
	case patternRateLimit:
		return PatternRateLimits
	case patternOutage:
		return fmt.Sprintf(PatternOutage, display)
	}
	return ""
}

// orStage returns p, or the failed check's kind when the errors show none.
func (p pattern) orStage(o *checkOutcome) pattern {
	if p.kind != patternNone {
		return p
	}
	k := kindOf(o.class.String(), "", string(o.stage))
	if o.err != nil {
		k = kindOf(o.class.String(), providers.AsError(o.err).Kind.String(), "")
	}
	return pattern{kind: k, count: 1, message: o.message}
}

// errorLog is an integration's recent error entries, classified.
type errorLog struct {
	list  []RecentError
	kinds []patternKind
}

// recentErrors reads an integration's error entries of the last
// TroubleshootWindow, at most TroubleshootErrorsMax, newest first.
func (m *Manager) recentErrors(ctx context.Context, orgID, id uuid.UUID) (*errorLog, error) {
	now := m.now()
	page, err := m.store.LogList(ctx, &storage.LogListParams{OrganizationID: orgID, IntegrationID: id,
		Levels: []storage.LogLevel{storage.LogError}, Limit: TroubleshootErrorsMax,
		Time: storage.TimeRange{Since: now.Add(-TroubleshootWindow)}})
	if err != nil {
		return nil, err
	}
	out := &errorLog{}
	for _, e := range page.Items {
		var d struct {
			Class string `json:"class"`
			Kind  string `json:"kind"`
			Stage string `json:"stage"`
		}
		_ = json.Unmarshal(e.Details, &d)
		out.list = append(out.list, RecentError{Time: e.Time, Message: e.Message})
		out.kinds = append(out.kinds, kindOf(d.Class, d.Kind, d.Stage))
	}
	return out, nil
}

// kindOf classifies one error by the class, kind and stage its log entry
// holds.
func kindOf(class, kind, stage string) patternKind {
	c, _ := retry.ParseClass(class)
	switch {
	case kind == providers.KindAuth.String() || (stage == string(providers.StageAuth) && c == retry.ClassClientError):
		return patternAuth
	case kind == providers.KindRateLimited.String() || c == retry.ClassRateLimited:
		return patternRateLimit
	case c == retry.ClassTLS:
		return patternTLS
	case c == retry.ClassTimeout, c == retry.ClassConnRefused, c == retry.ClassNetwork, c == retry.ClassDNS:
		return patternTimeout
	case c == retry.ClassServerError:
		return patternOutage
	}
	return patternNone
}

// pattern returns the most frequent kind among the errors that reaches its
// minimum; ties go to the kind of the newest error.
func (l *errorLog) pattern() pattern {
	counts := map[patternKind]int{}
	latest := map[patternKind]string{}
	for i, k := range l.kinds {
		if k == patternNone {
			continue
		}
		counts[k]++
		if _, ok := latest[k]; !ok {
			latest[k] = l.list[i].Message
		}
	}
	best := pattern{}
	for _, k := range l.kinds { // newest first: the first of equal counts wins
		if n := counts[k]; k != patternNone && n >= patternMin[k] && n > best.count {
			best = pattern{kind: k, count: n, message: latest[k]}
		}
	}
	return best
}
