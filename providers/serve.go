package providers

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// Serve serves impl as a provider plugin over gRPC and exits when the host
// closes the connection. It is all a plugin's main needs:
//
//	func main() { providers.Serve(slack.New()) }
//
// Every call is guarded: a panic in impl fails that call only, with a
// [*PanicError], and its stack is logged on the plugin's standard error
// (which the host logs); the process and the other calls go on. Settings
// arrive with the defaults of impl's optional fields applied (see
// [Settings.WithDefaults]).
//
// The plugin exits on its own if its host dies (see [Host]): a watchdog
// watches the parent process. Run directly rather than by a host, it prints
// go-plugin's "This binary is a plugin" message and exits with status 1.
// See docs/plugins.md in the repository for the whole path from an empty
// module to a loaded plugin.
func Serve(impl Provider) {
	go watchParent(os.Getppid(), time.Second)
	log := hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: os.Stderr, JSONFormat: true})
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         pluginSet(impl, hclogPanics(log)),
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          log,
	})
	os.Exit(0)
}

// SelfArg is the argument with which a host re-executes its own binary as
// a plugin: "--intime-provider-plugin=<name>" (see [Host.LoadSelf] and
// [ServeSelf]).
const SelfArg = "--intime-provider-plugin"

// ServeSelf lets one binary be both a host and its plugins. Call it first
// in main (or TestMain): if the process was started by [Host.LoadSelf] with
// the name of one of impls, or was started by a host under a file name
// "intime-provider-<name>" (a copy or link of the binary, as [Host.LoadDir]
// loads), it serves that provider and exits; otherwise it returns and the
// program continues as a host. Run directly, a binary named after the
// convention (the test binary "intime-provider-slack.test" of a plugin's
// module) is not a plugin: only a host sets the handshake's cookie.
func ServeSelf(impls map[string]Provider) {
	name, ok := selfName(os.Args, os.Getenv(Handshake.MagicCookieKey) == Handshake.MagicCookieValue)
	if !ok {
		return
	}
	impl, ok := impls[name]
	if !ok {
		os.Stderr.WriteString("providers: no provider named " + name + " in this binary\n")
		os.Exit(2)
	}
	Serve(impl)
}

// selfName returns the provider a process should serve: the one named by
// SelfArg, else, when a host started it, the one its file name names.
func selfName(args []string, byHost bool) (string, bool) {
	for _, a := range args[1:] {
		if v, ok := strings.CutPrefix(a, SelfArg+"="); ok {
			return v, true
		}
	}
	if name, ok := strings.CutPrefix(filepath.Base(args[0]), BinaryPrefix); ok && byHost {
		return name, true
	}
	return "", false
}

// watchParent exits the process when its parent changes, which means the
// host died and the plugin was re-parented. It backs up the parent-death
// signal the host requests on Linux, and covers other systems.
func watchParent(ppid int, every time.Duration) {
	if ppid <= 1 {
		return
	}
	for {
		time.Sleep(every)
		if os.Getppid() != ppid {
			os.Exit(3)
		}
	}
}
