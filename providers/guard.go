package providers

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"unicode/utf8"

	"github.com/intimeos/integrations/retry"
)

// PanicError is the cause ([Error.Err]) of the error a call gets when the
// provider panicked. The SDK recovers every call to a provider, in the
// plugin process ([Serve]) and in process ([Host.Register], [Instance]):
// the call fails with a [KindPermanent] error, which breakers do not count
// and groups do not fail over on (the same input would panic again), the
// stack is logged where the provider runs, and the process and the other
// calls go on. Find it with errors.As.
//
// A panic in a goroutine that the provider starts itself cannot be
// recovered: it ends the plugin process, which the supervisor restarts.
type PanicError struct {
	// Method is the [Provider] method that panicked, e.g. "Do".
	Method string
	// Value is the panic's value as text, at most 500 characters. Like an
	// error message it is shown to administrators: do not panic with
	// secrets.
	Value string
	// Stack is the panicking goroutine's stack. It is set in process only:
	// a plugin logs it and does not send it.
	Stack []byte
}

// Error returns "providers: provider panicked in Do: <value>".
func (e *PanicError) Error() string {
	return "providers: provider panicked in " + e.Method + ": " + e.Value
}

const panicValueMax = 500

// panicked returns the error of a call whose provider panicked with v.
func panicked(method string, v any, stack []byte) *Error {
	text := fmt.Sprint(v)
	if utf8.RuneCountInString(text) > panicValueMax {
		text = string([]rune(text)[:panicValueMax]) + "…"
	}
	return panicFrom(&PanicError{Method: method, Value: text, Stack: stack})
}

func panicFrom(pe *PanicError) *Error {
	return &Error{Kind: KindPermanent, Class: retry.ClassPermanent,
		Message: "provider panicked in " + pe.Method + ": " + pe.Value, Err: pe}
}

// panicLog records a recovered panic with its stack.
type panicLog func(method string, v any, stack []byte)

func slogPanics(l *slog.Logger) panicLog {
	return func(method string, v any, stack []byte) {
		l.Error("providers: provider panicked", "method", method, "panic", fmt.Sprint(v), "stack", string(stack))
	}
}

// guarded calls a provider the way the SDK always does: a panic becomes
// the call's error, and settings get the defaults of the provider's
// optional fields.
type guarded struct {
	impl     Provider
	log      panicLog
	defaults fieldDefaults
}

// guard wraps p, unless it is already guarded or is a plugin (whose own
// process guards it).
func guard(p Provider, log panicLog) Provider {
	switch p.(type) {
	case *guarded, *Plugin:
		return p
	}
	return &guarded{impl: p, log: log, defaults: fieldDefaults{impl: p}}
}

// recover turns a panic of the current call into *err. It must be deferred
// directly.
func (g *guarded) recover(method string, err *error) {
	v := recover()
	if v == nil {
		return
	}
	stack := debug.Stack()
	g.log(method, v, stack)
	*err = panicked(method, v, stack)
}

func (g *guarded) Info(ctx context.Context) (_ *Info, err error) {
	defer g.recover("Info", &err)
	return g.impl.Info(ctx)
}

func (g *guarded) Validate(ctx context.Context, s Settings) (err error) {
	defer g.recover("Validate", &err)
	return g.impl.Validate(ctx, g.defaults.apply(ctx, s))
}

func (g *guarded) Check(ctx context.Context, s Settings) (_ *CheckResult, err error) {
	defer g.recover("Check", &err)
	return g.impl.Check(ctx, g.defaults.apply(ctx, s))
}

func (g *guarded) Do(ctx context.Context, s Settings, op *Operation) (_ *Result, err error) {
	defer g.recover("Do", &err)
	return g.impl.Do(ctx, g.defaults.apply(ctx, s), op)
}

func (g *guarded) HandleWebhook(ctx context.Context, s Settings, req *WebhookRequest) (_ []Event, err error) {
	defer g.recover("HandleWebhook", &err)
	return g.impl.HandleWebhook(ctx, g.defaults.apply(ctx, s), req)
}

// fieldDefaults applies a provider's field defaults, asking its Info once.
type fieldDefaults struct {
	impl Provider

	mu     sync.Mutex
	fields []Field
	known  bool
}

// apply returns s with the defaults of the provider's optional fields (s
// itself if the provider has no Info).
func (d *fieldDefaults) apply(ctx context.Context, s Settings) Settings {
	d.mu.Lock()
	fields, known := d.fields, d.known
	d.mu.Unlock()
	if !known {
		fields, known = d.load(ctx)
	}
	if !known {
		return s
	}
	return s.WithDefaults(fields)
}

// load asks the provider for its fields, once: a provider without Info has
// none; a panicking Info, or one cut short by ctx, is asked again next time.
func (d *fieldDefaults) load(ctx context.Context) (fields []Field, ok bool) {
	defer func() {
		if recover() != nil {
			fields, ok = nil, false
		}
	}()
	info, err := d.impl.Info(ctx)
	if ctx.Err() != nil {
		return nil, false // ask again on the next call
	}
	if err == nil && info != nil {
		fields = info.Fields
	}
	d.mu.Lock()
	d.fields, d.known = fields, true
	d.mu.Unlock()
	return fields, true
}
