// Package admin is the integration SDK's face: an [http.Handler] serving a
// JSON API and a server-rendered dashboard of the screens of UC-ADMIN-007
// behind the host's authorizer: the integrations dashboard with its health
// overview and critical alerts (§3), the "+ Add Integration" catalog and the
// configure form with Test Connection, Send Test Email and Test & Save (§4),
// each integration's health with its metrics and 24-hour chart (§5), webhooks
// (§6), API access with usage, limits, throttled requests and tokens (§7),
// integration logs (§8), OAuth connections (§11), the webhook debugger
// (§12), delivery history, replay, the dead letter queue and retry
// configuration (§13), and the webhook documentation.
//
// The integration screens and OAuth run on the integration Manager
// ([Config.Integrations], normally *integration.Manager) and the API access
// screen on [Config.APIAccess] (normally *apiaccess.Service); until the host
// configures them those screens say what is coming. The troubleshooter, the
// manual switch to the backup, credential rotation and log export
// ([Config.Troubleshooter], [Config.Backups], [Config.Credentials],
// [Config.LogExport]) are seams of their own, which the Manager fills when
// the host leaves them nil; a host may substitute its own.
//
// examples/server in the repository runs the whole dashboard on demo data
// with one command (go run ./examples/server).
//
// # Mounting it
//
// The host builds a [Handler] with [New] and mounts it under
// [Config.Prefix] ("/admin" by default). A demo server is a few lines:
//
//	h, err := admin.New(&admin.Config{
//		Authorize: func(r *http.Request) (*admin.Principal, error) {
//			return session.AdminOf(r) // the host's own check
//		},
//		Store:        store,      // storage.Store, SQLite or PostgreSQL
//		Webhooks:     dispatcher, // *webhook.Dispatcher
//		Integrations: mgr,        // *integration.Manager (also the retry defaults)
//		APIAccess:    access,     // *apiaccess.Service
//		OAuth:        connector,  // *oauth.Connector, optional, needs Integrations
//		OAuthBaseURL: baseURL,
//	})
//	mux.Handle("/admin/", h)
//	mux.Handle("/oauth/", connector.Handler(&oauth.HandlerOpts{
//		Authenticate: hostAuth, SuccessURL: baseURL + "/admin/oauth/connected",
//	}))
//
// # Routing
//
// One [http.ServeMux] with Go 1.22 patterns serves both halves. The JSON API
// lives under /api: each route is an operation declared once (method, path,
// summary, the Go types of its request and answer, and a typed handler
// func(r, *In) (Out, error)); the same declaration registers the route and
// feeds the OpenAPI document, so neither can drift. Pages are one handler
// per screen, in one file per screen family (page_webhooks.go,
// page_dlq.go, ...), over the same functions as the API: the page and the
// API of an action share its code, audit record included.
//
// # View models and templates
//
// A page handler loads a view model (a small struct per screen) and renders
// it with [html/template]: one template per page (internal/ui/templates),
// the shared layout and partials, and one stylesheet and script
// (internal/ui/static), all embedded with [embed], served with a content
// hash for caching. There is no build step and no CDN: the dashboard works
// offline. Every screen works without JavaScript (forms post, a
// confirmation page asks before destructive actions); the script adds the
// command palette (Ctrl/Cmd+K), the keyboard shortcuts of §14 (g i, /, j,
// k, Enter, t, r, l, Escape), confirmation dialogs, live previews of the
// retry schedule, and live updates: an element marked data-live="name" is
// refreshed by polling its page with the X-Admin-Fragment header, which
// renders the page's "fragment-name" template alone, every
// [Config.PollInterval] (a switch marked data-live-toggle pauses one, as
// the logs screen's Auto-Refresh does). On an integration t tests it, r
// reconnects it (re-checks it, or the OAuth flow) and l opens its logs; j,
// k and Enter walk the integration list. The health chart is inline SVG,
// drawn on the server.
//
// # Security
//
//   - Authorization: [Config.Authorize] is required; [New] refuses to build
//     without it. Every request goes through it, and every call takes the
//     organization it returns: another organization's IDs are 404, like IDs
//     that do not exist.
//   - CSRF: a change (POST, PUT, PATCH, DELETE) is refused with 403 when it
//     comes from another site (net/http's CrossOriginProtection:
//     Sec-Fetch-Site, else Origin against Host) or lacks the principal's
//     token: an HMAC of the organization and user under [Config.CSRFKey],
//     sent as the X-CSRF-Token header (the API; GET /api/session gives it)
//     or the _csrf form field (the pages).
//   - Content-Security-Policy: default-src 'none' with scripts, styles,
//     images and fetches from the admin's own origin only. There is no
//     inline script, style or handler; the OAuth connect step leaves for the
//     provider by a page (a meta refresh and a link), because form-action
//     'self' blocks a redirect answering a form. Answers are not cached.
//   - Secrets: webhook secrets, integration credentials (the provider's
//     secret fields, and any setting named like one, such as an OAuth
//     client secret) and API tokens are masked in every answer and page; a
//     credential typed into a form that fails is not sent back. The secret
//     of a webhook and an API token are in the answer that made them
//     (create, regenerate, rotate), once. "Show" reveals one only on an
//     explicit POST, and only after [Config.Audit] has recorded it (a
//     failing audit refuses the reveal). A credential sent back masked
//     keeps its stored value. Every change is audited too; each record also
//     goes to [Config.Logger]. Neither holds a secret.
//   - Filters name IDs too: a log filter on another organization's
//     integration is 404, not an empty list.
//
// # The API's error shape
//
// Every failure is an [ErrorBody]: {"error": {"status", "code", "message",
// "fields"}}. Validation failures are 422 with code validation_failed and
// one message per field under the form's field names, worded as the spec
// says (§17): {"webhookUrl": "Webhook URLs must use HTTPS for security"}.
// A Test & Save whose test fails is 422 with code test_failed and the
// spec's message for what failed (§16). Other codes: invalid_request (400),
// unauthorized (401), forbidden (403), not_found (404), conflict (409),
// payload_too_large (413), not_configured (501), internal (500, the cause
// logged, not shown).
// Lists are keyset-paged: {"items": [...], "next": "<cursor>"}; pass next
// back as ?cursor= (and ?limit=, 1 to 1000).
//
// # OpenAPI
//
// GET /api/openapi.json is the OpenAPI 3.1 document built from the
// operations at start-up: paths and parameters from the routes, schemas
// reflected from the Go types (json tags; omitempty fields optional;
// unknown fields refused, as the decoder refuses them); the one download,
// the API usage report, is described as text/csv. A test calls every
// operation and validates each answer against it.
//
// # Adding a screen
//
//  1. Write the operations in api_<family>.go (DTOs with json tags, typed
//     handlers) and list them in operations (routes.go).
//  2. Write page_<screen>.go: a view model struct and GET/POST handlers
//     that build it with the same functions the operations use, then
//     h.render(w, r, "<screen>", status, h.newView(...)).
//  3. Write internal/ui/templates/<screen>.tmpl defining "content", and a
//     "fragment-<name>" template for each live part (data-live="<name>").
//  4. Register the page in routePages, add it to nav (view.go) for the
//     navigation and the palette, and add it to the browser tests' screens.
//
// The seams ([Integrations], [RetryDefaults], [APIAccess], [Troubleshooter],
// [BackupSwitcher], [CredentialRotator], [LogExporter]) are the methods the
// screens call, with the SDK's own types: *integration.Manager and
// *apiaccess.Service satisfy theirs as they are (the troubleshooter and the
// rotator through small adapters, manager_tools.go), and tests substitute
// their own.
package admin
