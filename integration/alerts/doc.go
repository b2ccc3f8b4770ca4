// Package alerts raises, resolves and notifies the alerts of UC-ADMIN-007
// (§3 critical alerts, §9, §10, §13, §16): an [Engine] turns what the
// integration Manager and the webhook dispatcher report into de-duplicated
// alerts with an impact line ("Emails not sending"), and sends each one's
// notifications durably through [Notifier]s (email through the
// organization's own email integration, Slack through providers/slack).
//
// # Wiring
//
//	eng, err := alerts.New(&alerts.Config{Store: store, Manager: mgr, OAuth: conn,
//		Notifiers: []alerts.Notifier{
//			&alerts.EmailNotifier{Dispatcher: mgr},
//			&alerts.SlackNotifier{Dispatcher: mgr},
//		}})
//	err = eng.Start(ctx)     // periodic rules, notifications
//	defer eng.Stop(ctx)
//	d, err := webhook.New(store, &webhook.Config{Alerts: eng}) // the DLQ alert
//	_, err = store.AlertSettingsSet(ctx, &storage.AlertSettings{OrganizationID: org,
//		EmailTo: []string{"ops@example.com"}, Slack: true})
//
// # Rules
//
// Each rule raises an alert under a de-duplication key (the open alert with
// the key is bumped: count and last seen) and resolves it when the
// condition is gone:
//
//   - integration in error ([KeyIntegrationError], critical): the
//     Manager's StatusChange hook, to the error state, with the spec's
//     message ("Connection to SendGrid timed out", §16); resolved when the
//     integration leaves it;
//   - failover switch ([KeyFailover] and the type, warning): the Switch
//     hook (ADMIN-INT-011), "Switched to backup SMTP after SendGrid failed:
//     ..."; resolved when calls move back to the route's primary;
//   - DLQ items (webhook.DLQAlertKey, warning): raised by the webhook
//     dispatcher itself through its Config.Alerts, which the engine
//     implements (webhook.AlertRaiser and webhook.AlertResolver), "Current
//     DLQ items: 3"; resolved when the queue is empty (ADMIN-INT-013);
//   - slow responses ([KeySlow], warning): at least Config.SlowMin calls
//     over Config.SlowThreshold (3 s) in the last Config.RuleWindow (15
//     minutes), from the Manager's WARN "Slow response" log entries;
//   - quota rejections ([KeyQuota], warning): at least Config.QuotaBurst
//     calls the quota refused in the window (the Manager's WARN "Rate limit
//     exceeded" entries with reason quota);
//   - credentials older than Config.CredentialsMaxAge (90 days)
//     ([KeyCredentials], warning), from Config.CredentialsSince (by
//     default the last Manager.RotateCredentials, else the creation);
//   - OAuth reconnect ([KeyOAuthReconnect], critical): the connection's
//     state from oauth.Connector.Status, "Please reconnect your Google
//     account".
//
// The hooks run on the Manager's goroutine and write the alert (one
// upsert) and its pending notifications; the sending happens on the
// engine's loop. The last four rules are periodic: [Engine.Evaluate] runs
// them for every organization with integrations (or Config.Organizations)
// every Config.EvaluateInterval; a disabled integration's alerts are
// resolved.
//
// # Notifications
//
// An alert's notifications are rows of alert_notifications, one per
// notifier, kind (raised, reminder, resolved) and rule window: the alert
// opening queues one per notifier; raising it again within Config.Window
// (1 hour; a day for credentials) queues nothing, a window or more after
// it opened queues one reminder per window; resolving it queues one
// "resolved" notice. The unique key makes several hosts queue each once.
// [Engine.NotifyDue] claims due rows with a lease (FOR UPDATE SKIP LOCKED
// on PostgreSQL) and a fencing claim ID, and calls the notifier: success
// marks it sent; [ErrNotConfigured] (no target for the organization) or a
// severity below the organization's MinSeverity marks it skipped; any
// other error leaves it pending, tried again after Config.RetryMin doubled
// per attempt up to Config.RetryMax, or the notifier's Retry-After (a
// Slack 429), until Config.NotifyMaxAttempts, when it is marked failed. A
// failed notification never changes the alert, which stays open.
//
// # Targets
//
// Each organization's targets are its storage.AlertSettings (table
// alert_settings): the email recipients, whether to post through its
// Slack integration (and to which channel), and the least severity
// notified. [EmailNotifier] sends through the organization's email route,
// which fails over to its backup email integration. [SlackNotifier] posts
// to an incoming webhook URL when its WebhookURL function gives one for
// the organization, else through the organization's Slack integration.
package alerts
