// Package providers is the SDK's extension point: the [Provider] interface
// that every external service (SendGrid, AWS SES, Checkr, Slack, ...)
// implements, the plugin machinery that runs providers out of process, and
// the host-side circuit breakers, failover groups and quotas.
//
// # The boundary
//
// A [Provider] describes itself ([Provider.Info]: name, integration types,
// version, configuration [Field]s with their validation rules and messages,
// capabilities), validates settings ([Provider.Validate], a
// [*ValidationError] with one message per field; [ValidateSettings] does it
// from the fields), tests a connection in stages ([Provider.Check]: DNS,
// TCP, TLS, authentication; [CheckEndpoint] runs the first three), runs
// named operations with JSON payloads ([Provider.Do], e.g. "email.send";
// package email has the typed helpers) and optionally verifies and
// normalises inbound provider events ([Provider.HandleWebhook]). Every
// method takes the caller's context first. Providers embed
// [UnimplementedProvider] so that methods added later do not break them.
//
// Errors carry a [Kind] (retryable, rate limited with its wait, auth failed,
// invalid input, permanent, unsupported, canceled) and a [retry.Class] in an
// [*Error]; both cross the plugin boundary intact. [AsError] classifies any
// error, [UserMessage] gives the spec's wording ("Authentication failed.
// Please check credentials.", "Rate limit exceeded. Retry in [X] seconds.").
//
// # Plugins
//
// A plugin's main is one line, [Serve]. The protocol is gRPC over
// hashicorp/go-plugin (package proto, generated code committed, regenerated
// with go generate). A [Host] registers in-process providers
// ([Host.Register]), loads plugin binaries from a directory after checking
// their SHA-256 against a [SumsFile] ([Host.LoadDir]), or re-executes its
// own binary as a plugin ([Host.LoadSelf] with [ServeSelf] in main), for
// one-binary deployments.
//
// Plugins run with gRPC only, automatic mutual TLS, none of the host's
// environment (settings travel with each call), and are killed on every
// error path. A supervisor pings each [Plugin] and replaces a process that
// crashed or froze (SIGKILL after Config.KillGrace) with backoff; a call
// that hits a dead plugin, or whose connection is closed under it, fails
// with a retryable error wrapping [ErrPluginUnavailable] ("plugin
// unavailable (connection lost)"). [Host.Close] returns within
// Config.StopTimeout whatever the plugins do. On Linux the kernel kills a
// plugin whose host died (parent-death signal), and everywhere the plugin's
// own watchdog exits when its parent changes. A program that fails the
// handshake is refused with [ErrHandshake], a binary that fails its
// checksum with [ErrChecksum], one whose provider announces another name
// than its file with [ErrNameMismatch].
//
// Every call to a provider is guarded, in the plugin process and in
// process ([Host.Register], [Instance]): a panic fails that call only, with
// a [*PanicError] of [KindPermanent] (breakers do not count it), and is
// logged with its stack where the provider runs. Providers receive settings
// with the defaults of their optional fields ([Settings.WithDefaults]).
//
// The plugin authors' guide, docs/plugins.md in the repository, goes from
// an empty module to a loaded, checksummed, conformance-tested plugin, and
// describes the protocol for plugins written in other languages.
//
// # Breakers, failover and quotas
//
// An [Instance] is a provider with one integration's settings behind its
// own [Breaker] (sony/gobreaker): transient failures trip it, auth and
// invalid-input errors and cancellation do not, and after a 429 the
// instance backs off for the Retry-After. A [Group] is an ordered list of
// instances for one integration type of one organization: a call goes to
// the first that admits it and moves on after a retryable failure, a 429 or
// an open breaker; every change is reported as a [Switch], and
// [Group.SwitchTo] is the manual "switch to backup". Half-open probes bring
// a recovered primary back.
//
// A [Quota] enforces the spec's hourly (rateLimitHour, 100 to 10,000,
// default 1,000) and daily (25,000) limits with counters in the Store
// ([UsageCounter], satisfied by storage.Store), so several hosts share them;
// [Usage] reads "247 today (1% of daily limit)" and going over returns a
// [*QuotaError]: "Rate limit exceeded. Retry in [X] seconds."
//
// # Testing providers
//
// Package providertest is a conformance suite that a provider runs both in
// process and as a plugin.
package providers
