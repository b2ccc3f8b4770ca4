// Command server is the SDK's one-command demo: the admin dashboard of
// UC-ADMIN-007 on live data, offline.
//
//	go run ./examples/server [-listen 127.0.0.1:8080] [-data intime-demo] [-postgres DSN]
//
// It opens the embedded SQLite store in a local file (or PostgreSQL with
// -postgres), seals its secrets with a development key generated on the
// first run (or INTIME_SECRET_KEY), loads its providers as plugin processes
// (this binary re-executing itself: providers.ServeSelf and
// providers.Host.LoadSelf), starts local stand-ins for the outside world (a
// webhook receiver, an SMTP sink, a SendGrid-compatible mail API and an HR
// directory), configures demo integrations and webhooks on them, and
// publishes a trickle of events, emails, directory syncs and API calls. Within
// a minute the dashboard shows health, deliveries, a failed delivery in the
// dead letter queue, an alert and logs.
//
// The dashboard admits only the browser that opened the login link printed
// at start: a random session secret, not an open default.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/google"
	"github.com/intimeos/integrations/providers/sendgrid"
	"github.com/intimeos/integrations/providers/smtp"
)

func main() {
	// Started by the host below as one of its plugins: serve and exit.
	providers.ServeSelf(pluginProviders())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// pluginProviders are the providers this binary serves as plugins.
func pluginProviders() map[string]providers.Provider {
	return map[string]providers.Provider{
		smtp.Name:     smtp.New(&smtp.Config{DialTimeout: 10 * time.Second, CommandTimeout: 20 * time.Second}),
		sendgrid.Name: sendgrid.New(nil),
		google.Name:   google.New(nil),
		demoHRName:    newDemoHR(),
	}
}

// options are the command line's.
type options struct {
	listen, data, postgres string
}

func parse(args []string) (*options, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	o := &options{}
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address of the dashboard (keep it on loopback: the demo has no TLS)")
	fs.StringVar(&o.data, "data", "intime-demo", "directory of the SQLite database, the development key and the log")
	fs.StringVar(&o.postgres, "postgres", "", "a PostgreSQL DSN to use instead of SQLite (postgres://user@host:5432/db)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return o, nil
}

// run starts the demo and serves until ctx ends, then stops everything.
func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.data, 0o700); err != nil {
		return err
	}
	logFile, err := os.OpenFile(filepath.Join(o.data, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	logger := slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelInfo}))
	l, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	d, err := start(ctx, o, logger, l.Addr().String(), out)
	if err != nil {
		_ = l.Close()
		return err
	}
	srv := &http.Server{Handler: d.routes(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	d.banner(out, filepath.Join(o.data, "server.log"))
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	d.stop()
	fmt.Fprintln(out, "Stopped.")
	if err == http.ErrServerClosed {
		err = nil
	}
	return err
}
