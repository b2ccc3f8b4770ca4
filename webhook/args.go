package webhook

import (
	"context"
	"errors"
	"reflect"
)

// ErrNilArgument is matched (with errors.Is) by the error of a call given a
// nil context, parameters, event, store or subscription. The error itself
// names the call and the argument: "webhook: Publish: event is nil".
var ErrNilArgument = errors.New("webhook: nil argument")

// nilArgError names a nil argument of a call.
type nilArgError struct {
	call, arg string
}

func (e *nilArgError) Error() string { return "webhook: " + e.call + ": " + e.arg + " is nil" }

func (e *nilArgError) Is(target error) bool { return target == ErrNilArgument }

// nilArg returns the error of call's nil argument arg.
func nilArg(call, arg string) error { return &nilArgError{call: call, arg: arg} }

// checkCtx refuses a nil context, on which the stores and net/http would
// panic.
func checkCtx(ctx context.Context, call string) error {
	if ctx == nil {
		return nilArg(call, "ctx")
	}
	return nil
}

// isNil reports whether v is nil or an interface holding a nil pointer
// (a (*postgres.Store)(nil) passed as a storage.Store).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return rv.IsNil()
	}
	return false
}
