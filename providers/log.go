package providers

import (
	"log/slog"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// hclogFor adapts l for go-plugin, which logs through hclog: each line
// becomes one slog record at debug level (go-plugin is chatty).
func hclogFor(l *slog.Logger, name string) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:        "plugin." + name,
		Level:       hclog.Info,
		Output:      slogWriter{l},
		DisableTime: true,
	})
}

type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(b []byte) (int, error) {
	w.l.Debug(strings.TrimSpace(string(b)), "source", "go-plugin")
	return len(b), nil
}
