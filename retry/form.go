package retry

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// PolicyForm is the retry configuration form as submitted: a field left
// empty is nil, so [PolicyForm.Validate] can answer with the spec's "Empty"
// messages. Decode the admin API's JSON into it, or build it from an HTML
// form with [ParsePolicyForm], then call [PolicyForm.Policy].
type PolicyForm struct {
	// MaxRetries is required, 1 to 10.
	MaxRetries *int `json:"maxRetries,omitempty"`
	// RetryStrategy is required; empty means none selected.
	RetryStrategy Strategy `json:"retryStrategy,omitempty"`
	// FixedDelay, in seconds, is required when RetryStrategy is fixed, 1 to 300.
	// Nil otherwise means the default, 5.
	FixedDelay *int `json:"fixedDelay,omitempty"`
	// EnableJitter is optional; nil means true.
	EnableJitter *bool `json:"enableJitter,omitempty"`
	// MaxDelay, in seconds, is required, 10 to 300.
	MaxDelay *int `json:"maxDelay,omitempty"`
	// AttemptTimeout, in seconds, is optional (nil means 30), 1 to 300.
	AttemptTimeout *int `json:"attemptTimeout,omitempty"`
	// RetryOn lists class names; nil means [DefaultRetryOn], empty means none.
	RetryOn []string `json:"retryOn"`
	// EnableDlq is optional; nil means true.
	EnableDlq *bool `json:"enableDlq,omitempty"`

	// malformed holds messages for values that were not whole numbers.
	malformed map[string]string
}

// Policy validates the form and returns the policy it describes, with
// defaults for the optional fields left empty.
func (f PolicyForm) Policy() (Policy, error) {
	if err := f.Validate(); err != nil {
		return Policy{}, err
	}
	p := DefaultPolicy()
	p.MaxRetries = *f.MaxRetries
	p.Strategy = f.RetryStrategy
	p.MaxDelay = time.Duration(*f.MaxDelay) * time.Second
	if f.FixedDelay != nil {
		p.FixedDelay = time.Duration(*f.FixedDelay) * time.Second
	}
	if f.AttemptTimeout != nil {
		p.AttemptTimeout = time.Duration(*f.AttemptTimeout) * time.Second
	}
	if f.EnableJitter != nil {
		p.Jitter = *f.EnableJitter
	}
	if f.EnableDlq != nil {
		p.DeadLetter = *f.EnableDlq
	}
	if f.RetryOn != nil {
		p.RetryOn = parseClassSet(f.RetryOn)
	}
	return p, nil
}

// parseClassSet converts validated class names to a set.
func parseClassSet(names []string) ClassSet {
	var s ClassSet
	for _, name := range names {
		c, _ := ParseClass(name)
		s = s.With(c)
	}
	return s
}

// Form returns the policy as a form with every field set, for pre-filling
// the form and for validation. Durations that are not whole seconds are
// reported by [PolicyForm.Validate].
func (p Policy) Form() PolicyForm {
	f := PolicyForm{
		MaxRetries:    &p.MaxRetries,
		RetryStrategy: p.Strategy,
		EnableJitter:  &p.Jitter,
		RetryOn:       []string{},
		EnableDlq:     &p.DeadLetter,
	}
	f.MaxDelay = f.durationField(FieldMaxDelay, p.MaxDelay, msgMaxDelayNotInt)
	f.AttemptTimeout = f.durationField(FieldAttemptTimeout, p.AttemptTimeout, msgTimeoutNotInt)
	if p.Strategy == StrategyFixed || p.FixedDelay != 0 {
		f.FixedDelay = f.durationField(FieldFixedDelay, p.FixedDelay, msgFixedDelayNotInt)
	}
	for _, c := range p.RetryOn.Classes() {
		f.RetryOn = append(f.RetryOn, c.String())
	}
	return f
}

// durationField converts d to whole seconds, noting msg if it is not whole.
func (f *PolicyForm) durationField(field string, d time.Duration, msg string) *int {
	if d%time.Second != 0 {
		f.markMalformed(field, msg)
	}
	s := int(d / time.Second)
	return &s
}

func (f *PolicyForm) markMalformed(field, msg string) {
	if f.malformed == nil {
		f.malformed = map[string]string{}
	}
	f.malformed[field] = msg
}

// ParsePolicyForm reads an HTML form submission. An empty or missing number
// is left nil; a number that is not a whole number is reported by
// [PolicyForm.Validate]. As in HTML, a missing checkbox is unchecked:
// enableJitter and enableDlq are true only when present with a value such as
// "on" or "true", and retryOn holds the checked classes (none if missing).
func ParsePolicyForm(v url.Values) PolicyForm {
	f := PolicyForm{
		RetryStrategy: Strategy(strings.TrimSpace(v.Get(FieldRetryStrategy))),
		EnableJitter:  checkbox(v, FieldEnableJitter),
		EnableDlq:     checkbox(v, FieldEnableDlq),
		RetryOn:       append([]string{}, v[FieldRetryOn]...),
	}
	f.MaxRetries = f.intField(v, FieldMaxRetries, msgMaxRetriesNotInt)
	f.FixedDelay = f.intField(v, FieldFixedDelay, msgFixedDelayNotInt)
	f.MaxDelay = f.intField(v, FieldMaxDelay, msgMaxDelayNotInt)
	f.AttemptTimeout = f.intField(v, FieldAttemptTimeout, msgTimeoutNotInt)
	return f
}

func (f *PolicyForm) intField(v url.Values, field, msg string) *int {
	s := strings.TrimSpace(v.Get(field))
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.markMalformed(field, msg)
		return nil
	}
	return &n
}

func checkbox(v url.Values, field string) *bool {
	on := false
	if v.Has(field) {
		on, _ = strconv.ParseBool(v.Get(field))
		on = on || strings.EqualFold(v.Get(field), "on")
	}
	return &on
}
