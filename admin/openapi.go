package admin

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// openAPI builds the OpenAPI 3.1 document from the operations the handler
// serves: the paths, methods and parameters are the routes themselves, and
// the schemas are reflected from the Go types the handlers decode and
// encode, so the document cannot drift from the code. A test validates real
// answers against it.
func (h *Handler) openAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]any{}
	for _, o := range h.ops {
		item, _ := paths[o.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.path] = item
		}
		item[strings.ToLower(o.method)] = g.operation(o)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "InTime integrations admin API",
			"version": "1",
			"description": "Every call is scoped to the organization of the caller, as the host's authorizer says. " +
				"Changes (POST, PUT, PATCH, DELETE) carry the CSRF token of GET /api/session in the X-CSRF-Token header " +
				"and are refused from other sites. Errors have one shape, ErrorBody; validation errors carry the " +
				"spec's messages under their field names. Lists are keyset-paged: pass a page's next back as cursor.",
		},
		"servers":    []any{map[string]any{"url": h.cfg.Prefix}},
		"paths":      paths,
		"components": map[string]any{"schemas": g.defs},
	}
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z]+)\}`)

func (g *schemaGen) operation(o *operation) map[string]any {
	params := []any{}
	for _, m := range pathParam.FindAllStringSubmatch(o.path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
			"schema": map[string]any{"type": "string", "format": "uuid"}})
	}
	for _, q := range o.query {
		s := map[string]any{"type": q.typ}
		switch q.typ {
		case "uuid", "date-time":
			s = map[string]any{"type": "string", "format": q.typ}
		}
		if q.array {
			s = map[string]any{"type": "array", "items": s}
		}
		params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.desc, "schema": s})
	}
	if !safeMethod(o.method) {
		params = append(params, map[string]any{"name": csrfHeader, "in": "header", "required": true,
			"description": "the csrfToken of GET /api/session", "schema": map[string]any{"type": "string"}})
	}
	errRef := map[string]any{"description": "an error", "content": jsonContent(g.ref(reflect.TypeFor[ErrorBody]()))}
	ok := map[string]any{"description": http.StatusText(o.status)}
	if o.out != nil {
		ok["content"] = jsonContent(g.ref(o.out))
	}
	if o.contentType != "" {
		ok["content"] = map[string]any{o.contentType: map[string]any{"schema": map[string]any{"type": "string"}}}
	}
	out := map[string]any{"operationId": o.id, "summary": o.summary, "tags": []any{o.tag}, "parameters": params,
		"responses": map[string]any{strconv.Itoa(o.status): ok, "default": errRef}}
	if o.in != nil {
		out["requestBody"] = map[string]any{"required": true, "content": jsonContent(g.ref(o.in))}
	}
	return out
}

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

// schemaGen reflects JSON schemas of Go types, named structs into
// components.
type schemaGen struct {
	defs map[string]any
}

var (
	timeType = reflect.TypeFor[time.Time]()
	uuidType = reflect.TypeFor[uuid.UUID]()
	rawType  = reflect.TypeFor[json.RawMessage]()
	anyMap   = reflect.TypeFor[map[string]any]()
)

// ref returns the schema of t, a $ref for a named struct.
func (g *schemaGen) ref(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case uuidType:
		return map[string]any{"type": "string", "format": "uuid"}
	case rawType:
		return map[string]any{"description": "any JSON value"}
	case anyMap:
		return map[string]any{"type": "object"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.ref(t.Elem())
	case reflect.Struct:
		name := schemaName(t)
		if _, done := g.defs[name]; !done {
			g.defs[name] = nil // a placeholder stops recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.ref(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.ref(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{}
}

// object is a struct's schema: its JSON fields, embedded structs inlined;
// fields without omitempty or omitzero are required, pointers among them
// may be null.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props, required := map[string]any{}, []any{}
	g.fields(t, props, &required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.fields(f.Type, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.ref(f.Type)
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		if !optional {
			*required = append(*required, name)
			if f.Type.Kind() == reflect.Pointer || f.Type.Kind() == reflect.Map || f.Type.Kind() == reflect.Slice {
				if f.Type != rawType {
					s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
				}
			}
		}
		props[name] = s
	}
}

// schemaName is a type's component name: "Webhook", "Page_Webhook".
func schemaName(t reflect.Type) string {
	n := t.Name()
	base, args, generic := strings.Cut(n, "[")
	if !generic {
		return n
	}
	args = strings.TrimSuffix(args, "]")
	for _, a := range strings.Split(args, ",") {
		a = strings.TrimLeft(a, "*[]")
		if i := strings.LastIndexByte(a, '.'); i >= 0 {
			a = a[i+1:]
		}
		base += "_" + a
	}
	return base
}
