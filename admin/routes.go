package admin

import "net/http"

// operations is the JSON API: every route, its handler and its
// documentation. The OpenAPI document is built from this list.
func (h *Handler) operations() []*operation {
	var ops []*operation
	for _, family := range [][]*operation{h.miscOps(), h.integrationOps(), h.fallbackOps(), h.logOps(), h.alertSettingsOps(), h.accessOps(),
		h.webhookOps(), h.deliveryOps(), h.dlqOps(), h.retryOps(), h.oauthOps()} {
		ops = append(ops, family...)
	}
	return ops
}

// routePages registers the dashboard's screens, one file per screen.
func (h *Handler) routePages() {
	pages := map[string]http.HandlerFunc{
		"GET /{$}":                                   h.pageOverview,
		"GET /integrations":                          h.pageIntegrations,
		"GET /integrations/new":                      h.pageIntegrationNew,
		"POST /integrations":                         h.pageIntegrationCreate,
		"POST /integrations/health-check":            h.pageHealthCheckAll,
		"GET /integrations/{id}":                     h.pageIntegration,
		"POST /integrations/{id}":                    h.pageIntegrationUpdate,
		"POST /integrations/{id}/test":               h.pageIntegrationTest,
		"POST /integrations/{id}/reconnect":          h.pageIntegrationReconnect,
		"POST /integrations/{id}/enable":             h.pageIntegrationEnable,
		"POST /integrations/{id}/disable":            h.pageIntegrationDisable,
		"POST /integrations/{id}/delete":             h.pageIntegrationDelete,
		"POST /integrations/{id}/secret/reveal":      h.pageIntegrationReveal,
		"POST /integrations/{id}/credentials/rotate": h.pageIntegrationRotate,
		"POST /integrations/{id}/backup":             h.pageIntegrationBackup,
		"POST /integrations/{id}/switch-backup":      h.pageIntegrationSwitchBackup,
		"POST /integrations/{id}/troubleshoot":       h.pageIntegrationTroubleshoot,
		"GET /integrations/{id}/health":              h.pageIntegrationHealth,
		"POST /integrations/{id}/manual-mode":        h.pageManualMode,
		"POST /integrations/{id}/logs/clear":         h.pageLogClear,
		"GET /logs":                                  h.pageLogs,
		"POST /alert-settings":                       h.pageAlertSettings,
		"GET /logs/export":                           h.pageLogExport,
		"GET /api-access":                            h.pageAccess,
		"POST /api-access/tokens":                    h.pageTokenCreate,
		"POST /api-access/tokens/{id}/rotate":        h.pageTokenRotate,
		"POST /api-access/tokens/{id}/revoke":        h.pageTokenRevoke,
		"GET /webhooks":                              h.pageWebhooks,
		"GET /webhooks/new":                          h.pageWebhookNew,
		"POST /webhooks":                             h.pageWebhookCreate,
		"GET /webhooks/{id}":                         h.pageWebhook,
		"POST /webhooks/{id}":                        h.pageWebhookUpdate,
		"POST /webhooks/{id}/enable":                 h.pageWebhookEnable,
		"POST /webhooks/{id}/disable":                h.pageWebhookDisable,
		"POST /webhooks/{id}/delete":                 h.pageWebhookDelete,
		"POST /webhooks/{id}/secret/reveal":          h.pageWebhookReveal,
		"POST /webhooks/{id}/secret/regenerate":      h.pageWebhookRegenerate,
		"POST /webhooks/{id}/secret/revoke":          h.pageWebhookRevoke,
		"GET /debugger":                              h.pageDebugger,
		"POST /debugger":                             h.pageDebuggerSend,
		"GET /deliveries":                            h.pageDeliveries,
		"GET /deliveries/{id}":                       h.pageDelivery,
		"POST /deliveries/{id}/replay":               h.pageDeliveryReplay,
		"GET /replay":                                h.pageReplay,
		"POST /replay":                               h.pageReplayRun,
		"GET /dlq":                                   h.pageDLQ,
		"POST /dlq/{id}/retry":                       h.pageDLQRetry,
		"POST /dlq/{id}/delete":                      h.pageDLQDelete,
		"POST /dlq/retry-all":                        h.pageDLQRetryAll,
		"POST /dlq/clear":                            h.pageDLQClear,
		"GET /retry":                                 h.pageRetry,
		"POST /retry":                                h.pageRetrySave,
		"GET /oauth":                                 h.pageOAuth,
		"GET /oauth/new":                             h.pageOAuthNew,
		"POST /oauth":                                h.pageOAuthCreate,
		"GET /oauth/connected":                       h.pageOAuthConnected,
		"GET /oauth/{id}":                            h.pageOAuthDetail,
		"POST /oauth/{id}":                           h.pageOAuthUpdate,
		"POST /oauth/{id}/connect":                   h.pageOAuthConnect,
		"POST /oauth/{id}/disconnect":                h.pageOAuthDisconnect,
		"POST /oauth/{id}/delete":                    h.pageOAuthDelete,
		"POST /oauth/{id}/secret/reveal":             h.pageOAuthReveal,
		"GET /docs/webhooks":                         h.pageDocs,
	}
	for pattern, fn := range pages {
		h.mux.Handle(pattern, fn)
	}
}
