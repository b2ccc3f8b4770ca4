// Package integration is the SDK's entry point for a host application: the
// [Manager]. A host wires one up per process and gets the catalog of
// integration types (UC-ADMIN-007 §2), configuration with validation and
// connection tests (§4, §17), the call path every provider call takes,
// health checks (§3, §5, §10), the dashboard's figures and a Prometheus
// collector; and the admin's day (§5, §8, §9): logs with their export,
// troubleshooting, the switch to the backup, manual mode and credential
// rotation. The alert engine (integration/alerts) and the admin dashboard
// build on the hooks, the recorder and the typed views described here.
//
// # Wiring
//
//	store, err := sqlite.Open(ctx, "intime.db", &sqlite.Config{Sealer: ring})
//	host, err := providers.NewHost(nil)
//	err = host.Register("smtp", smtp.New(nil)) // or host.LoadDir(ctx, dir, nil) for plugins
//	mgr, err := integration.New(&integration.Config{Store: store, Providers: host})
//	err = mgr.Start(ctx)    // batched recording, health checks
//	defer mgr.Stop(ctx)     // writes what is queued
//	in, err := mgr.IntegrationCreate(ctx, &integration.CreateParams{OrganizationID: org,
//		Type: integration.TypeEmail, Provider: "smtp", Name: "Transactional email", Settings: settings})
//	receipt, err := mgr.Email(org).Send(ctx, &email.Message{To: []string{"jane@example.com"}, ...})
//
// # Seams
//
// The design card's three seams are providers.Provider (what talks to one
// external service), storage.Store (the database) and [Dispatcher] (how the
// host sends an operation to "the organization's integration of type T"
// without knowing its provider). [*Manager] implements Dispatcher; a host's
// tests substitute their own. [Caller] adapts a Dispatcher to
// providers.Caller, so every typed helper of the provider packages runs
// through it; [EmailFor] and [Manager.Email] are the email helper.
//
// # The catalog
//
// [DefaultCatalog] is data: the 18 types of §2 in four categories, each with
// its purpose, availability (Active or Optional), the vendors the spec names
// and the providers mapped to it (email: smtp, sendgrid, ses; background
// checks: checkr; payroll: adp; webhooks and API access: the SDK itself,
// [ProviderInternal]). [Manager.Catalog] joins it with the installed
// providers: a provider whose Info lists a type serves it (a plugin loaded
// later adds itself), a type that nothing installed serves shows
// [NoProviderInstalled], and each provider's Info.Fields are the form the
// dashboard renders.
//
// # Configuring
//
// [Manager.IntegrationCreate] validates against the provider's field rules
// (and the OAuth form's when the provider needs OAuth) with the spec's
// messages, one per field, in a *[ValidationError]; saves the settings
// sealed (the store encrypts them); and runs the health check at once, so
// the integration comes back active or in error (inactive → active /
// error). TestFirst is "Test & Save": nothing is saved unless the test
// passes. [Manager.IntegrationUpdate] keeps a secret sent back masked as
// [Integration.Settings] shows it. [Manager.Test] tests without saving and,
// for email, sends the test email. [Manager.IntegrationDisable] refuses
// every call with a *[DisabledError] and stops health checks until
// [Manager.IntegrationEnable]. [Manager.RouteSet] and [Manager.BackupSet]
// name a type's primary and backup; [Manager.IntegrationRetryPolicySet] and
// [Manager.OrganizationRetryPolicySet] the retry policies.
//
// # The call path
//
// Every [Manager.Dispatch] (DESIGN decision 11):
//
//  1. resolves the organization's integration of the type: the route's
//     primary (else the oldest integration of the type) and its backup,
//     with their providers, settings, breakers and retry policy. Routes are
//     cached per organization and type. A change made through this Manager
//     drops the organization's routes at once; another host's change is
//     seen within Config.CacheTTL (10 s by default), when a route is
//     revalidated: a route whose rows did not change is kept with its
//     breakers, so the cache does not reset them;
//  2. refuses a disabled primary with a *[DisabledError];
//  3. takes a unit of the integration's quota (rateLimitHour, and
//     rateLimitDay or 25,000): counters shared by every host in the
//     store, reserved in blocks of at most a hundredth of the limit so
//     that a call does not write, never past the limit; a refused call is
//     a *providers.QuotaError ("Rate limit exceeded. Retry in 1800
//     seconds.");
//  4. runs the operation under the retry policy in force (the
//     integration's, else the organization's, else retry.DefaultPolicy)
//     with retry.Do; each attempt goes through a providers.Group of the
//     primary and the backup, so a transient failure, a 429 or an open
//     breaker moves the call to the backup at once (ADMIN-INT-011), and the
//     switch is logged on the primary and reported to [Hooks].Switch. A 429
//     with a Retry-After is retried after exactly that wait, within the
//     policy's MaxRetries and MaxDelay, even though the spec's default
//     policy does not retry 429s blindly (ADMIN-INT-010);
//  5. hands one record of the call to the recorder and returns. A failure
//     is a *[CallError] whose Message is the spec's (§16).
//
// Its overhead over calling the provider is a few microseconds at the
// median (BenchmarkDispatch).
//
// # Recording, and what a crash can lose
//
// The [Recorder] writes log entries, hourly metric buckets and each
// integration's last sync in batches, one transaction per batch
// (storage.ActivityStore), off the call's path, as the webhook dispatcher's
// finisher does: a call queues its record (bounded by Config.RecordQueue)
// and returns; a goroutine writes up to Config.RecordBatch records at most
// Config.RecordInterval after the first arrived, and tries a failed batch
// again as a whole (a transaction counts nothing twice). Each call is one
// log entry: INFO with what was done ("Email sent successfully", the
// recipients, the message ID, the duration), ERROR with the endpoint
// (host:port), the error's class and the spec's message, or WARN "Slow
// response" over Config.SlowThreshold (3 s) or Config.SlowFactor times the
// integration's 7-day average. Secrets are scrubbed from every text, and
// settings never reach a log entry.
//
// [Manager.Stop] writes everything queued before it returns: a clean stop
// loses nothing. A process killed without Stop loses at most the records
// queued and the batch being written: Config.RecordQueue +
// Config.RecordBatch records (1,280 by default); the batches already
// written are whole. When the store cannot keep up, a full queue makes
// calls wait, unless their context ends (the record is then dropped and
// counted in [RecorderStats]). Other code hands the recorder its own log
// entries and observations ([Recorder.Log], [Recorder.Observe]).
//
// # Logs
//
// The logs screen (§8, ADMIN-INT-009) reads the entries the recorder and
// other code wrote. [Manager.LogList] takes a [LogQuery]: an
// organization's or one integration's entries in a time range (a
// [LogRange] preset ending now by Config.Clock, last hour, 24 hours
// (the default), 7 or 30 days, or a custom Since/Until), of some levels,
// whose message contains a text in any case; newest first, a keyset page
// at a time. Each [LogLine] has its details parsed, with the ones the
// screen names picked out: host and port, error and stack trace, message
// ID, recipients, duration.
//
// [Manager.LogExport] writes the same selection as CSV (a header row,
// [LogExportColumns]; text cells a spreadsheet would run as formulas are
// quoted) or NDJSON (one object per line), reading a page of 1,000 entries
// at a time and flushing each, so an export of a month holds one page in
// memory (BenchmarkLogExport100k; TestLogExportMemoryFlat checks that the
// live heap does not grow with the entries). It is the admin package's
// LogExporter. [Manager.LogClear] deletes one integration's entries, an
// explicit admin action, and logs it on the integration: "Logs cleared by
// jane@example.com (6 entries)".
//
// Log maintenance ([Manager.LogMaintenanceRun]) runs in every started
// Manager at Start and every Config.LogMaintenanceInterval (1 h): it
// deletes the entries older than Config.LogRetention (30 days; negative
// keeps them) in batches of 1,000, and, from ten past midnight UTC, writes
// yesterday's summary of each integration that made calls: INFO "Daily
// summary sent" with "247 emails sent yesterday" (the calls that
// succeeded, named by the integration's type: emails, text messages,
// background checks, else calls) and "99.2% success rate", summed from the
// hourly metric buckets. Each summary is claimed in the store
// (integration_log_summaries) in the transaction that writes it, so it is
// written once per day however many hosts run.
//
// # Health checks
//
// Each integration that is not disabled is checked (providers' Check:
// DNS, TCP, TLS, authentication) every Config.HealthCheckInterval (5
// minutes, §10), or its own interval. Checks are claimable rows, as
// webhook deliveries are: an integration is due when its next_check_at
// has passed, and a claim leases it by moving next_check_at ahead by twice
// the check timeout and a margin. Every host runs the same scheduler
// against the same table (on PostgreSQL, FOR UPDATE SKIP LOCKED), so any
// number of hosts share the checks with no leader, and none is checked
// twice in a round: the result is stored only under the claim's lease
// (its fencing token), and a check that ends after the integration was
// disabled changes nothing. A process runs Config.HealthCheckConcurrency
// checks at once and keeps one batch of claimed checks waiting beside
// them, claiming again when half of it is free. A status change updates
// the integration (status, error message, when the status began) and is
// reported to [Hooks].StatusChange; each check is logged and counted.
// [Manager.HealthCheckAll] checks an organization now. The status shown is
// derived from the results: "ERROR (Last 15 minutes)" ([StatusLabel]).
//
// # The dashboard's figures
//
// [Manager.Overview] counts an organization's integrations by status with
// their share ("16 (89%)") and lists them with provider, status and last
// sync ("2 min ago (failed)"), ADMIN-INT-001. [Manager.Metrics] sums the
// hourly buckets over a window: calls sent and failed, success rate,
// average response time and failure rate against the 7 days before, uptime
// against [UptimeTarget], and one bucket per hour for a chart.
// [Manager.NewCollector] exports the same figures to Prometheus; the host
// registers it on its own registry, and each scrape reads one snapshot.
//
// # Troubleshooting, fallbacks and credential rotation
//
// [Manager.Troubleshoot] runs an integration's staged connection test,
// reads its endpoint's certificate expiry, and analyses its recent error
// entries for a pattern (§5, §16): it returns the spec's message, the
// pattern ("Repeated timeouts suggest network/firewall issue") and the
// suggested actions as data ([SuggestedAction]). The fallbacks of §9:
// [Manager.SwitchToBackup] and [Manager.SwitchToPrimary] switch a type's
// calls by hand (automatic failover is the call path's); manual mode
// ([Manager.ManualModeSet]) queues an integration's calls durably while it
// is down (Dispatch returns a *[QueuedError]) and, once a connection test
// passes, replays them in order, once each, across hosts;
// [Manager.PayrollExportCSV] writes the payroll run as CSV for a manual
// upload. [Manager.RotateCredentials] replaces a credential, minting and
// revoking keys at providers that can (providers.CapabilityKeyMint,
// SendGrid), tested before the old one is dropped, with an audit entry;
// [Integration.CredentialsSince] starts the 90-day age of §10.
//
// # OAuth
//
// A provider that lists providers.CapabilityOAuth gets, with each call, a
// valid access token of its integration's connection (from the
// oauth.Connector in Config.OAuth, which refreshes it ahead of expiry) in
// the call's settings under providers.SettingAccessToken; it never stores
// it, and refresh tokens never leave the host (DESIGN decision 12). When
// the provider answers 401, the Manager refreshes the token once and calls
// once more. The OAuth form's client secret stays on the host as well: the
// provider is not given it, and the Manager masks it like the provider's
// own secrets. Pass [StoredOAuthSettings] as oauth.Config.Settings.
package integration
