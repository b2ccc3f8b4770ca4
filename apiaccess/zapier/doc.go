// Package zapier serves the REST Hooks endpoints that a Zapier integration
// calls (UC-ADMIN-007 §2.4), on top of the host's API tokens
// ([github.com/intimeos/integrations/apiaccess]) and outbound webhooks
// ([github.com/intimeos/integrations/webhook]).
//
// # Endpoints
//
// Mount the [Handler] at Config.Prefix + "/" (default "/zapier/"). Every
// request needs "Authorization: Bearer <API token>" with the [Scope]
// "zapier"; it passes the apiaccess middleware, so it is held to the
// token's rate limits and counted in its usage. The handler applies the
// middleware itself: mount it beside the host's API, not behind
// [apiaccess.Service.Middleware] a second time.
//
//	GET    /zapier/me                        auth test: the token's organization and name
//	GET    /zapier/events                    event types, for the trigger's dropdown
//	GET    /zapier/events/{event}/samples    performList: recent payloads of the event
//	POST   /zapier/hooks                     performSubscribe: {"target_url", "event"} -> 201 {"id", "secret", ...}
//	GET    /zapier/hooks                     the organization's Zapier subscriptions
//	DELETE /zapier/hooks/{id}                performUnsubscribe
//
// In the Zapier integration, performSubscribe posts bundle.targetUrl as
// target_url with the trigger's event, keeps the answer's id, and
// performUnsubscribe deletes /zapier/hooks/{bundle.subscribeData.id}.
//
// # Subscriptions
//
// Subscribing creates an ordinary webhook subscription of the token's
// organization, through [webhook.Dispatcher.SubscriptionCreate] (so the
// webhook form's rules apply: an HTTPS target, a known event; refusals are 400
// with the form's messages per field), named "Zapier: <event> <random>", and
// marks it as Zapier's in the zapier_hooks table. The dispatcher delivers
// it like any other: signed (X-InTime-Signature and the Standard Webhooks
// headers; the secret is in the subscribe answer only), retried, recorded.
// Unsubscribing deletes only a subscription marked as Zapier's and owned by
// the token's organization; anything else is 404. When Zapier answers a
// delivery with 410 Gone, the dispatcher disables the subscription: it gets
// no more events, and the list shows it disabled with the reason.
//
// # Samples
//
// The samples endpoint returns up to Config.SampleLimit of the latest
// payloads of the event delivered to the organization, newest first, each
// exactly as a delivery carries it ({"event", "timestamp", "data"}); before
// any was delivered, the catalog's sample payload, so that Zapier's editor
// has fields to map.
package zapier
