package providers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// hclogFor adapts l for go-plugin, which logs through hclog. go-plugin's
// own lines become slog records at debug level (it is chatty); the
// plugin's own log lines (its standard error, under a sub-logger) keep
// their warn or error level, so that a provider's panic, logged with its
// stack in the plugin, reaches the host's log as an error.
func hclogFor(l *slog.Logger, name string) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:        "plugin." + name,
		Level:       hclog.Info,
		Output:      slogWriter{l: l, own: "plugin." + name + "."},
		DisableTime: true,
	})
}

type slogWriter struct {
	l   *slog.Logger
	own string // name prefix of the plugin's own lines
}

func (w slogWriter) Write(b []byte) (int, error) {
	line := strings.TrimSpace(string(b))
	level := slog.LevelDebug
	if rest, ok := strings.CutPrefix(line, "[ERROR] "); ok && strings.HasPrefix(rest, w.own) {
		level = slog.LevelError
	} else if rest, ok := strings.CutPrefix(line, "[WARN]  "); ok && strings.HasPrefix(rest, w.own) {
		level = slog.LevelWarn
	}
	w.l.Log(context.Background(), level, line, "source", "go-plugin")
	return len(b), nil
}

// hclogPanics logs a plugin's recovered panics on its standard error, as
// JSON lines that go-plugin forwards to the host's log.
func hclogPanics(l hclog.Logger) panicLog {
	return func(method string, v any, stack []byte) {
		l.Error("providers: provider panicked", "method", method, "panic", fmt.Sprint(v), "stack", string(stack))
	}
}
