package retry

import (
	"fmt"
	"sort"
	"strings"
)

// The spec's validation messages (§17), word for word, and the few this
// package adds for what the spec leaves open (whole numbers, the per-attempt
// timeout, retryOn names).
const (
	msgMaxRetriesEmpty  = "Max retries is required"
	msgMaxRetriesBelow  = "Minimum retry count is 1"
	msgMaxRetriesAbove  = "Maximum retry count is 10"
	msgMaxRetriesNotInt = "Max retries must be a whole number"

	msgStrategyEmpty = "Please select a retry strategy"

	msgFixedDelayEmpty  = "Delay is required for fixed interval strategy"
	msgFixedDelayBelow  = "Minimum delay is 1 second"
	msgFixedDelayAbove  = "Maximum delay is 300 seconds (5 minutes)"
	msgFixedDelayNotInt = "Delay must be a whole number of seconds"

	msgMaxDelayEmpty  = "Maximum delay is required"
	msgMaxDelayBelow  = "Minimum max delay is 10 seconds"
	msgMaxDelayAbove  = "Maximum delay cannot exceed 300 seconds"
	msgMaxDelayNotInt = "Maximum delay must be a whole number of seconds"

	msgTimeoutBelow  = "Minimum timeout per attempt is 1 second"
	msgTimeoutAbove  = "Maximum timeout per attempt is 300 seconds"
	msgTimeoutNotInt = "Timeout per attempt must be a whole number of seconds"

	msgRetryOnUnknown = "Unknown error type: %s"
	msgRetryOnFixed   = "Errors of type %s cannot be retried"
)

// The form's field names, in form order; they key [ValidationError.Fields].
const (
	FieldMaxRetries     = "maxRetries"
	FieldRetryStrategy  = "retryStrategy"
	FieldFixedDelay     = "fixedDelay"
	FieldEnableJitter   = "enableJitter"
	FieldMaxDelay       = "maxDelay"
	FieldAttemptTimeout = "attemptTimeout"
	FieldRetryOn        = "retryOn"
	FieldEnableDlq      = "enableDlq"
)

var fieldOrder = []string{
	FieldMaxRetries, FieldRetryStrategy, FieldFixedDelay, FieldEnableJitter,
	FieldMaxDelay, FieldAttemptTimeout, FieldRetryOn, FieldEnableDlq,
}

// ValidationError lists what is wrong with a policy: one message per field,
// worded as in the spec.
type ValidationError struct {
	// Fields maps a field name (such as "maxRetries") to its message.
	Fields map[string]string
}

// Error joins the messages in form order: "retry: maxRetries: Minimum retry
// count is 1; maxDelay: ...".
func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return fieldRank(names[i]) < fieldRank(names[j]) })
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+": "+e.Fields[name])
	}
	return "retry: " + strings.Join(parts, "; ")
}

// Field returns the message for one field, or "" if the field is valid.
func (e *ValidationError) Field(name string) string {
	return e.Fields[name]
}

func fieldRank(name string) int {
	for i, f := range fieldOrder {
		if f == name {
			return i
		}
	}
	return len(fieldOrder)
}

// add records msg for field unless msg is empty or the field already has one.
func (e *ValidationError) add(field, msg string) {
	if msg == "" {
		return
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// errOrNil returns e, or nil if it holds no message.
func (e *ValidationError) errOrNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// rangeRule checks an integer field.
type rangeRule struct {
	min, max     int
	empty        string
	below, above string
}

var (
	maxRetriesRule = rangeRule{MaxRetriesMin, MaxRetriesMax, msgMaxRetriesEmpty, msgMaxRetriesBelow, msgMaxRetriesAbove}
	fixedDelayRule = rangeRule{int(seconds(FixedDelayMin)), int(seconds(FixedDelayMax)), msgFixedDelayEmpty, msgFixedDelayBelow, msgFixedDelayAbove}
	maxDelayRule   = rangeRule{int(seconds(MaxDelayMin)), int(seconds(MaxDelayMax)), msgMaxDelayEmpty, msgMaxDelayBelow, msgMaxDelayAbove}
	timeoutRule    = rangeRule{int(seconds(AttemptTimeoutMin)), int(seconds(AttemptTimeoutMax)), "", msgTimeoutBelow, msgTimeoutAbove}
)

// check returns the message for v, nil meaning the field was left empty.
func (r rangeRule) check(v *int) string {
	switch {
	case v == nil:
		return r.empty
	case *v < r.min:
		return r.below
	case *v > r.max:
		return r.above
	}
	return ""
}

// Validate reports every invalid field as a [*ValidationError], or nil.
// A zero number is a value, so it gets the "below minimum" message; the
// "is required" messages come from [PolicyForm], whose fields can be absent.
// FixedDelay is checked when the strategy is fixed or FixedDelay is set.
func (p Policy) Validate() error {
	return p.Form().Validate()
}

// Validate reports every invalid field as a [*ValidationError], or nil.
// Absent required fields get the spec's "Empty" messages.
func (f PolicyForm) Validate() error {
	e := &ValidationError{Fields: map[string]string{}}
	for field, msg := range f.malformed {
		e.add(field, msg)
	}
	e.add(FieldMaxRetries, maxRetriesRule.check(f.MaxRetries))
	if !f.RetryStrategy.Valid() {
		e.add(FieldRetryStrategy, msgStrategyEmpty)
	}
	if f.RetryStrategy == StrategyFixed || f.FixedDelay != nil {
		e.add(FieldFixedDelay, fixedDelayRule.check(f.FixedDelay))
	}
	e.add(FieldMaxDelay, maxDelayRule.check(f.MaxDelay))
	if f.AttemptTimeout != nil {
		e.add(FieldAttemptTimeout, timeoutRule.check(f.AttemptTimeout))
	}
	e.add(FieldRetryOn, checkRetryOn(f.RetryOn))
	return e.errOrNil()
}

func checkRetryOn(names []string) string {
	for _, name := range names {
		c, err := ParseClass(name)
		if err != nil {
			return fmt.Sprintf(msgRetryOnUnknown, name)
		}
		if !c.selectable() {
			return fmt.Sprintf(msgRetryOnFixed, name)
		}
	}
	return ""
}
