// Package apiaccess is the part of the SDK that faces the host's own public
// API (UC-ADMIN-007 §2.4 "API Access", §7 "API Access & Monitoring", §10
// rate limiting and anomaly monitoring): API tokens, an [net/http]
// middleware that authenticates them and enforces rate limits shared by
// every host process, usage figures with a CSV report, and anomaly events.
// Package [github.com/intimeos/integrations/apiaccess/zapier] builds
// Zapier's REST hooks on it.
//
// # Setting up
//
// [New] takes a [storage.Store] (SQLite or PostgreSQL) and a [Config] whose
// zero value is usable. Make one [Service] per host process, call
// [Service.Start] to run its background loop and [Service.Stop] on shutdown;
// mount the host's routes behind [Service.Middleware]:
//
//	svc, _ := apiaccess.New(store, nil)
//	_ = svc.Start(ctx)
//	defer svc.Stop(ctx)
//	mux := http.NewServeMux()
//	mux.Handle("GET /api/jobs/{id}", apiaccess.RequireScopes("jobs:read")(jobHandler))
//	http.ListenAndServe(addr, svc.Middleware(mux))
//
// Handlers read the caller with [PrincipalFrom] and scope every query by its
// OrganizationID: a token reaches its own organization's data only.
//
// # Tokens
//
// A token is "itk_", 30 random base62 characters (178 bits) and a
// 6-character base62 CRC-32 of what precedes it, 40 characters in all,
// matched by [TokenPattern]:
//
//	itk_NUUIQES0QsgjGFeE0IJqLg9ylcJ1oE0083OY
//
// The fixed prefix and the checksum are what secret scanners (GitHub secret
// scanning, gitleaks, trufflehog) key on to find leaked tokens with few false
// positives, and let the middleware refuse a mistyped token before any
// lookup ([ParseToken]). [Service.TokenCreate] shows the token once
// ([CreatedToken].Secret); the store keeps its SHA-256 ([HashToken]) and its
// first 12 characters, which lists show as "itk_NUUIQES0••••••••" with the
// scopes, the limits, the last use (written with the usage, so up to a flush
// interval late) and the expiry (90 days unless said otherwise, as §10
// advises). [Service.TokenRotate] makes a replacement with the same name,
// scopes and limits (ADMIN-INT-014): the old token is refused at once, or
// keeps working for a grace period the admin chooses (at most
// Config.MaxGrace). [Service.TokenRevoke] refuses a token from then on.
// Everything is scoped by organization: another organization's token is
// [storage.ErrNotFound].
//
// The middleware keeps tokens in memory by hash (Config.TokenCacheTTL, 1
// min). A revocation, rotation or limit change evicts the token at once on
// the host that made it, and is written to a change feed in the same
// transaction; every host reads the feed every Config.FlushInterval (1 s)
// and evicts what it names. So a revoked token is refused at once by the
// host that revoked it and within about a second by the others.
//
// # The middleware
//
// For each request: parse the Bearer token (401 token_missing or
// token_malformed), look it up (401 token_invalid, token_revoked,
// token_rotated or token_expired; each a JSON body with §16's
// "Authentication failed. Please check credentials." and a detail saying
// why), take one request from the token's per-minute and per-hour budgets
// and the organization's per-hour budget (429, below), call the handler with
// the [Principal] in the context, and count the answer. [RequireScopes]
// answers 403 insufficient_scope for a token without a route's scopes. When
// the store cannot be reached the middleware answers 503: it does not let
// requests through unlimited.
//
// Admitted and refused requests carry X-RateLimit-Limit, X-RateLimit-Remaining,
// X-RateLimit-Reset (Unix seconds) and X-RateLimit-Resource for the tightest
// of the three limits. A refusal is 429 with Retry-After and the body
// {"error": "rate_limited", "message": "Rate limit exceeded. Retry in 42
// seconds.", "limit": "token_minute", "retry_after": 42}; Retry-After is the
// time until the refused window ends (or a later spent window, when the hour
// is spent as well as the minute), rounded up to whole seconds.
//
// # Rate limits across hosts
//
// Windows are fixed and aligned to the UTC minute and hour, so Retry-After
// and X-RateLimit-Reset are exact. Defaults: 100 a minute and 1,000 an hour
// per token (each token may have its own), 10,000 an hour per organization.
// The limits hold across every host process that shares the database.
//
// The scheme is leased budgets. The store keeps, per limit and window, how
// much of the budget the hosts have leased (api_rate_windows). A host admits
// requests from a lease it holds in memory, and asks the store for more when
// its lease runs low: in the background at half, so that requests rarely
// wait. A lease asks for about Config.LeaseAhead (1 s) of this host's own
// traffic, at most [Config.LeaseChunk] (5 % of the limit, at most 100), and
// the store grants at most half of what is left (rounded up), so hosts
// sharing the end of a budget split it instead of one taking it all. When
// the store has nothing left the host refuses from memory until the window
// ends, asking again every Config.Recheck (1 s) in case budget was given
// back; a host gives back a lease it has not used for Config.IdleReturn (5 s),
// and all of its leases on Stop.
//
// Never exceeded: the store grants under a row lock (PostgreSQL) or its single
// writer (SQLite), never more than the limit in a window, and a host admits
// only what it was granted. This holds with any number of hosts, under any
// interleaving, and when hosts crash (a crashed host's lease is lost for the
// rest of its window, not reused).
//
// Refused while room is left, the documented margin: a host refuses only when
// its own lease is empty and the store has none left, so what is left
// unadmitted is what the other hosts hold unused, at most one chunk each.
// With H hosts a request is refused only when at most [Config.Margin]
// (limit, H) = (H-1) x LeaseChunk(limit) of the window's budget is left: with
// the defaults and two hosts, 5 of 100 a minute, 50 of 1,000 an hour and 100
// of 10,000 an hour. In practice it is far less, because leases follow each
// host's traffic and the end of a budget is leased in halves: the tests
// drive two hosts past each limit and check the bound at every refusal.
// A lowered limit applies from the next lease.
//
// Why this scheme: a counter updated in the database for every request is
// exact but puts a round trip, and contention on one row per token, on every
// request; counters kept per host and reconciled every so often need no
// round trip but exceed the limit by what each host admits between two
// reconciliations. Leasing keeps both bounds by construction and asks the
// store once per chunk: a request waits for it only at a host's first request
// in a window or when a burst outruns the refill. The middleware's overhead
// is measured by BenchmarkMiddlewareOverhead (median about 2 µs on SQLite).
//
// # Usage
//
// Each answered request adds one to a counter in memory (per minute,
// token, route pattern and status class); the background loop writes them
// every Config.FlushInterval in one transaction, with the throttled
// requests and the tokens' last use. A crash loses at most one interval of
// figures; while the store is unreachable they are kept, up to
// Config.MaxPending rows, then dropped and counted ([Service.Dropped]). The
// route is r.Pattern as the [http.ServeMux] inside (or outside) the middleware
// set it ("GET /api/jobs/{id}", not the path); a refused request is counted
// under the route the inner mux would have chosen. Requests refused at
// authentication belong to no organization and are not counted; 429s count as
// 4xx and in the throttled list. [Service.Usage] returns the §7 panel: totals
// with 2xx/4xx/5xx shares, top endpoints, usage per token, the current rate
// against each limit and the throttled requests of the last 24 h;
// [Service.UsageReportCSV] writes it as CSV ("Generate Report").
//
// # Anomalies
//
// Once a minute, after every host has written that minute, the loop compares
// each token's requests in the minute with its normal rate, the average
// per minute over Config.Anomaly.Baseline (24 h) before it. At least
// MinRequests (60) and more than Factor (10) times normal is an anomaly: it is
// recorded once across hosts (api_anomalies), and Config.OnAnomaly is called
// on the one host that recorded it (an alerting integration subscribes
// there). A new or long-dormant token's burst counts too. [Service.AnomalyList]
// lists them.
package apiaccess
