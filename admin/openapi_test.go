package admin_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/admin"
	"github.com/intimeos/integrations/oauth"
	"github.com/intimeos/integrations/retry"
	"github.com/intimeos/integrations/storage"
	"github.com/intimeos/integrations/webhook"
)

// recorder keeps every API answer of a test, to check them against the
// OpenAPI document.
type recorder struct {
	e     *env
	calls []recorded
}

type recorded struct {
	method, path string
	r            *response
}

func (rc *recorder) call(t *testing.T, method, path string, body any, hdr ...string) *response {
	t.Helper()
	r := rc.e.call(t, method, path, body, hdr...)
	rc.calls = append(rc.calls, recorded{method, path, r})
	return r
}

// TestOpenAPIMatchesHandlers calls every operation of the API, with
// successes and failures, and validates each answer against the schema the
// document gives for its status; every operation of the document must be
// among them.
func TestOpenAPIMatchesHandlers(t *testing.T) {
	t.Parallel()
	e := setupWith(t, backends[0], envOpts{tools: true})
	rc := &recorder{e: e}
	ok := func(r *response, status int) {
		t.Helper()
		require.Equal(t, status, r.status, string(r.body))
	}

	ok(rc.call(t, "GET", "/api/session", nil), 200)
	ok(rc.call(t, "GET", "/api/events", nil), 200)
	ok(rc.call(t, "GET", "/api/openapi.json", nil), 200)
	r := rc.call(t, "POST", "/api/webhooks", map[string]any{"webhookName": "Doc hook", "webhookUrl": e.rcv.URL + "/d",
		"events": []string{"job.created"}, "sendTest": true, "retryPolicy": map[string]any{"maxRetries": 1, "retryStrategy": "fixed", "fixedDelay": 1, "maxDelay": 10, "retryOn": []string{"server_error"}}})
	ok(r, 201)
	var c admin.WebhookCreated
	r.decode(t, &c)
	id := c.Webhook.ID.String()
	ok(rc.call(t, "POST", "/api/webhooks", map[string]any{}), 422)
	ok(rc.call(t, "GET", "/api/webhooks", nil), 200)
	ok(rc.call(t, "GET", "/api/webhooks?cursor=bad", nil), 400)
	ok(rc.call(t, "GET", "/api/webhooks/"+id, nil), 200)
	ok(rc.call(t, "GET", "/api/webhooks/"+uuid.NewString(), nil), 404)
	ok(rc.call(t, "PATCH", "/api/webhooks/"+id, map[string]any{"webhookName": "Doc hook 2"}), 200)
	ok(rc.call(t, "POST", "/api/webhooks/"+id+"/disable", nil), 200)
	ok(rc.call(t, "POST", "/api/webhooks/"+id+"/enable", nil), 200)
	ok(rc.call(t, "POST", "/api/webhooks/"+id+"/secret/regenerate", nil), 200)
	ok(rc.call(t, "POST", "/api/webhooks/"+id+"/secret/revoke", nil), 200)
	ok(rc.call(t, "POST", "/api/webhooks/"+id+"/secret/reveal", nil), 200)
	ok(rc.call(t, "POST", "/api/webhooks/"+id+"/test", map[string]any{"event": "job.updated", "payload": json.RawMessage(`{"event":"job.updated","data":{"job_id":"J"}}`)}), 200)
	ok(rc.call(t, "POST", "/api/webhooks/"+id+"/test", map[string]any{"event": "no.such"}), 422)
	ok(rc.call(t, "GET", "/api/webhooks/"+id+"/retry", nil), 200)
	ok(rc.call(t, "PUT", "/api/webhooks/"+id+"/retry", map[string]any{"maxRetries": 0, "retryStrategy": "linear", "maxDelay": 20}), 422)
	ok(rc.call(t, "DELETE", "/api/webhooks/"+id+"/retry", nil), 200)
	ok(rc.call(t, "PUT", "/api/webhooks/"+id+"/retry", map[string]any{"maxRetries": 1, "retryStrategy": "fixed", "fixedDelay": 1, "maxDelay": 10, "retryOn": []string{"server_error"}}), 200)
	ok(rc.call(t, "GET", "/api/retry/default", nil), 200)
	ok(rc.call(t, "PUT", "/api/retry/default", map[string]any{"maxRetries": 3, "retryStrategy": "linear", "maxDelay": 20}), 200)
	ok(rc.call(t, "PUT", "/api/retry/default", map[string]any{"maxRetries": 30, "retryStrategy": "linear", "maxDelay": 20}), 422)
	ok(rc.call(t, "POST", "/api/retry/preview", map[string]any{"maxRetries": 4, "retryStrategy": "exponential", "maxDelay": 10}), 200)

	e.rcv.SetDefault(webhookFail(500))
	e.publish(t, `{"n":1}`)
	waitFor(t, "a dead letter", func() bool { return e.dlqLen(t) == 1 })
	r = rc.call(t, "GET", "/api/deliveries?status=failed&webhook="+id, nil)
	ok(r, 200)
	var page admin.Page[*admin.Delivery]
	r.decode(t, &page)
	require.NotEmpty(t, page.Items)
	did := page.Items[0].ID.String()
	ok(rc.call(t, "GET", "/api/deliveries/"+did, nil), 200)
	ok(rc.call(t, "POST", "/api/deliveries/replay", map[string]any{"dryRun": true}), 200)
	ok(rc.call(t, "GET", "/api/dlq", nil), 200)
	ok(rc.call(t, "POST", "/api/dlq/retry-all", map[string]any{}), 200)
	waitFor(t, "the retry to dead-letter again", func() bool { return e.dlqLen(t) == 1 })
	dl, err := e.d.DLQList(e.ctx, &storage.DLQListParams{OrganizationID: e.org})
	require.NoError(t, err)
	e.rcv.SetDefault(webhookOK())
	ok(rc.call(t, "POST", "/api/dlq/"+dl.Items[0].ID.String()+"/retry", nil), 201)
	ok(rc.call(t, "POST", "/api/dlq/"+uuid.NewString()+"/retry", nil), 404)
	ok(rc.call(t, "DELETE", "/api/dlq/"+uuid.NewString(), nil), 404)
	ok(rc.call(t, "POST", "/api/dlq/clear", map[string]any{"webhookId": id}), 200)
	waitFor(t, "the retried delivery to finish", func() bool {
		p, err := e.d.DeliveryList(e.ctx, &storage.DeliveryListParams{OrganizationID: e.org, Statuses: []storage.DeliveryStatus{storage.DeliveryPending}})
		return err == nil && len(p.Items) == 0
	})
	ok(rc.call(t, "POST", "/api/deliveries/"+did+"/replay", nil), 201)
	ok(rc.call(t, "POST", "/api/deliveries/replay", map[string]any{}), 200)

	ok(rc.call(t, "GET", "/api/oauth/providers", nil), 200)
	ok(rc.call(t, "POST", "/api/oauth/integrations", map[string]any{}), 422)
	oi := e.oauthIntegration(t)
	oid := oi.ID.String()
	ok(rc.call(t, "GET", "/api/oauth/integrations", nil), 200)
	ok(rc.call(t, "GET", "/api/oauth/integrations/"+oid, nil), 200)
	ok(rc.call(t, "PUT", "/api/oauth/integrations/"+oid, map[string]any{"name": "Renamed", "oauthProvider": oauth.ProviderCustom,
		"clientId": opClientID, "scopes": []string{"openid"}, "issuerUrl": e.op.URL}), 200)
	ok(rc.call(t, "POST", "/api/oauth/integrations/"+oid+"/connect", nil), 200)
	ok(rc.call(t, "POST", "/api/oauth/integrations/"+oid+"/disconnect", nil), 200)
	ok(rc.call(t, "POST", "/api/oauth/integrations/"+oid+"/secret/reveal", nil), 200)
	ok(rc.call(t, "DELETE", "/api/oauth/integrations/"+oid, nil), 204)
	ok(rc.call(t, "DELETE", "/api/webhooks/"+id, nil), 204)
	ok(rc.call(t, "POST", "/api/webhooks", map[string]any{"webhookName": 1}), 400)
	callIntegrationOps(t, rc)
	callAccessOps(t, rc)

	var doc map[string]any
	require.NoError(t, json.Unmarshal(rc.calls[2].r.body, &doc))
	seen := map[string]bool{}
	for _, c := range rc.calls {
		opID, schema, media := docResponse(t, doc, c.method, c.path, c.r.status)
		seen[opID] = true
		if media != "" {
			require.True(t, strings.HasPrefix(c.r.header.Get("Content-Type"), media), "%s %s: %s", c.method, c.path, c.r.header.Get("Content-Type"))
			require.NotEmpty(t, c.r.body)
			continue
		}
		if schema == nil {
			require.Empty(t, c.r.body, "%s %s: no content", c.method, c.path)
			continue
		}
		var v any
		require.NoError(t, json.Unmarshal(c.r.body, &v), "%s %s", c.method, c.path)
		require.NoError(t, validate(doc, schema, v, "$"), "%s %s %d: %s", c.method, c.path, c.r.status, c.r.body)
	}
	// The check can fail: a wrong answer does not pass.
	ref := map[string]any{"$ref": "#/components/schemas/Webhook"}
	require.Error(t, validate(doc, ref, map[string]any{"id": "x"}, "$"), "missing fields")
	var good map[string]any
	require.NoError(t, json.Unmarshal(rc.calls[7].r.body, &good))
	require.NoError(t, validate(doc, ref, good, "$"))
	good["extra"] = 1
	require.Error(t, validate(doc, ref, good, "$"), "a field the document does not have")
	delete(good, "extra")
	good["createdAt"] = "yesterday"
	require.Error(t, validate(doc, ref, good, "$"), "a malformed time")

	var missing []string
	for _, item := range doc["paths"].(map[string]any) {
		for _, o := range item.(map[string]any) {
			if opID := o.(map[string]any)["operationId"].(string); !seen[opID] {
				missing = append(missing, opID)
			}
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "operations the test did not call")
}

// docResponse finds the operation of a request and the schema of its
// status (the "default" error schema for an unlisted one), nil for none,
// or the media type of an answer that is not JSON.
func docResponse(t *testing.T, doc map[string]any, method, path string, status int) (string, map[string]any, string) {
	t.Helper()
	path, _, _ = strings.Cut(path, "?")
	paths := doc["paths"].(map[string]any)
	// A literal path wins over a template, as the router decides.
	tmpls := make([]string, 0, len(paths))
	for tmpl := range paths {
		tmpls = append(tmpls, tmpl)
	}
	sort.Slice(tmpls, func(i, j int) bool { return strings.Count(tmpls[i], "{") < strings.Count(tmpls[j], "{") })
	for _, tmpl := range tmpls {
		item := paths[tmpl]
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[a-zA-Z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), "[^/]+") + "$")
		if !re.MatchString(path) {
			continue
		}
		o, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any)
		if !ok {
			continue
		}
		resps := o["responses"].(map[string]any)
		resp, ok := resps[strconv.Itoa(status)].(map[string]any)
		if !ok {
			require.GreaterOrEqual(t, status, 400, "%s %s answered %d, which the document does not list", method, path, status)
			resp = resps["default"].(map[string]any)
		}
		content, ok := resp["content"].(map[string]any)
		if !ok {
			return o["operationId"].(string), nil, ""
		}
		js, ok := content["application/json"].(map[string]any)
		if !ok {
			for media := range content {
				return o["operationId"].(string), nil, media
			}
		}
		return o["operationId"].(string), js["schema"].(map[string]any), ""
	}
	t.Fatalf("%s %s is not in the OpenAPI document", method, path)
	return "", nil, ""
}

// validate checks v against a schema of the document: $ref, anyOf, type,
// format, properties, required, additionalProperties and items.
func validate(doc, s map[string]any, v any, at string) error {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		def, ok := doc["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
		if !ok {
			return fmt.Errorf("%s: unknown schema %s", at, ref)
		}
		return validate(doc, def, v, at)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		var errs []string
		for _, alt := range alts {
			if err := validate(doc, alt.(map[string]any), v, at); err == nil {
				return nil
			} else {
				errs = append(errs, err.Error())
			}
		}
		return fmt.Errorf("%s: no alternative matches: %s", at, strings.Join(errs, "; "))
	}
	switch s["type"] {
	case nil:
		return nil
	case "null":
		if v != nil {
			return fmt.Errorf("%s: want null", at)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: want a string, got %T", at, v)
		}
		switch s["format"] {
		case "uuid":
			if _, err := uuid.Parse(str); err != nil {
				return fmt.Errorf("%s: %q is not a uuid", at, str)
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				return fmt.Errorf("%s: %q is not a date-time", at, str)
			}
		}
	case "integer", "number":
		f, ok := v.(float64)
		if !ok || (s["type"] == "integer" && f != float64(int64(f))) {
			return fmt.Errorf("%s: want %s, got %v", at, s["type"], v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want a boolean, got %T", at, v)
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array, got %T", at, v)
		}
		for i, x := range arr {
			if err := validate(doc, s["items"].(map[string]any), x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "object":
		return validateObject(doc, s, v, at)
	}
	return nil
}

func validateObject(doc, s map[string]any, v any, at string) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: want an object, got %T", at, v)
	}
	props, _ := s["properties"].(map[string]any)
	for _, req := range asList(s["required"]) {
		if _, ok := obj[req]; !ok {
			return fmt.Errorf("%s: %s is required", at, req)
		}
	}
	for k, x := range obj {
		ps, ok := props[k].(map[string]any)
		if !ok {
			if ap, ok := s["additionalProperties"].(map[string]any); ok {
				ps = ap
			} else if s["additionalProperties"] == false {
				return fmt.Errorf("%s: %s is not in the schema", at, k)
			} else {
				continue
			}
		}
		if err := validate(doc, ps, x, at+"."+k); err != nil {
			return err
		}
	}
	return nil
}

func asList(v any) []string {
	var out []string
	for _, x := range asAny(v) {
		out = append(out, x.(string))
	}
	return out
}

func asAny(v any) []any { l, _ := v.([]any); return l }

// TestErrorShape: one shape for every error, with the spec's messages
// under their field names.
func TestErrorShape(t *testing.T) {
	t.Parallel()
	onBackends(t, func(t *testing.T, e *env) {
		fields := func(r *response) map[string]string {
			t.Helper()
			require.Equal(t, http.StatusUnprocessableEntity, r.status, string(r.body))
			ae := r.apiError(t)
			require.Equal(t, admin.CodeValidation, ae.Code)
			require.Equal(t, 422, ae.Status)
			return ae.Fields
		}
		require.Equal(t, map[string]string{
			webhook.FieldName: webhook.MsgNameRequired, webhook.FieldURL: webhook.MsgURLRequired, webhook.FieldEvents: webhook.MsgEventsRequired,
		}, fields(e.call(t, "POST", "/api/webhooks", map[string]any{})))
		require.Equal(t, webhook.MsgURLNotHTTPS, fields(e.call(t, "POST", "/api/webhooks",
			map[string]any{"webhookName": "A", "webhookUrl": "http://example.com/x", "events": []string{"job.created"}}))[webhook.FieldURL])
		e.webhook(t, "Taken")
		require.Equal(t, webhook.MsgNameDuplicate, fields(e.call(t, "POST", "/api/webhooks",
			map[string]any{"webhookName": "Taken", "webhookUrl": e.rcv.URL + "/t", "events": []string{"job.created"}}))[webhook.FieldName])
		require.Equal(t, map[string]string{retry.FieldMaxRetries: "Maximum retry count is 10", retry.FieldMaxDelay: "Minimum max delay is 10 seconds",
			retry.FieldFixedDelay: "Maximum delay is 300 seconds (5 minutes)"},
			fields(e.call(t, "POST", "/api/retry/preview", map[string]any{"maxRetries": 11, "retryStrategy": "fixed", "fixedDelay": 301, "maxDelay": 9})))
		require.Equal(t, "Please select a retry strategy", fields(e.call(t, "POST", "/api/retry/preview", map[string]any{"maxRetries": 3, "maxDelay": 60}))[retry.FieldRetryStrategy])
		of := fields(e.call(t, "POST", "/api/oauth/integrations", map[string]any{"oauthProvider": "google"}))
		require.Equal(t, oauth.MsgClientIDRequired, of[oauth.FieldClientID])
		require.Equal(t, oauth.MsgClientSecretRequired, of[oauth.FieldClientSecret])
		require.Equal(t, oauth.MsgScopesRequired, of[oauth.FieldScopes])

		r := e.call(t, "POST", "/api/webhooks", map[string]any{"nope": 1})
		require.Equal(t, http.StatusBadRequest, r.status)
		require.Contains(t, r.apiError(t).Message, "nope")
		r = e.call(t, "GET", "/api/deliveries?since=yesterday", nil)
		require.Equal(t, admin.CodeInvalidRequest, r.apiError(t).Code)
	})
}
