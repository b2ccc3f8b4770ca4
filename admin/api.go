package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/intimeos/integrations/storage"
)

// bodyMax bounds a JSON request body: a debugger payload of 10 MB and its
// envelope fit.
const bodyMax = 11 << 20

// none is the In or Out of an operation without a body.
type none struct{}

// operation is one route of the JSON API: the handler and what the OpenAPI
// document says of it, from the same declaration, so they cannot drift.
type operation struct {
	method, path     string
	id, summary, tag string
	query            []param
	in, out          reflect.Type // nil: no body
	status           int
	serve            http.Handler
	// contentType is the answer's media type when it is not JSON (a CSV
	// report); the document then describes it as a string.
	contentType string
}

// param is a query parameter of an operation.
type param struct {
	name, typ, desc string
	array           bool
}

// op declares an operation whose handler decodes In from the JSON body
// (unless In is none) and answers Out with status (204 when Out is none).
func op[In, Out any](h *Handler, method, path, id, tag, summary string, status int, fn func(r *http.Request, in *In) (Out, error)) *operation {
	o := &operation{method: method, path: path, id: id, tag: tag, summary: summary, status: status}
	inT, outT := reflect.TypeFor[In](), reflect.TypeFor[Out]()
	if inT != reflect.TypeFor[none]() {
		o.in = inT
	}
	if outT != reflect.TypeFor[none]() {
		o.out = outT
	} else {
		o.status = http.StatusNoContent
	}
	o.serve = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in := new(In)
		if o.in != nil {
			if err := decodeJSON(r, in); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		out, err := fn(r, in)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if o.out == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, o.status, out)
	})
	return o
}

// rawOp declares an operation that writes its own answer of contentType
// with status 200 (a download). A failure before anything is written is
// answered in the API's error shape.
func rawOp(h *Handler, method, path, id, tag, summary, contentType string, fn func(w http.ResponseWriter, r *http.Request) error) *operation {
	o := &operation{method: method, path: path, id: id, tag: tag, summary: summary, status: http.StatusOK, contentType: contentType}
	o.serve = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
	return o
}

// withQuery documents query parameters.
func (o *operation) withQuery(ps ...param) *operation {
	o.query = append(o.query, ps...)
	return o
}

// decodeJSON reads the body into v, refusing unknown fields and trailing
// data, with a message that says what is wrong.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, bodyMax))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodePayloadTooLarge, Message: "Request payload too large (max 10 MB)"}
		}
		if errors.Is(err, io.EOF) {
			return badRequest("The request body is empty; send a JSON object.")
		}
		return badRequest("The request body is not valid JSON for this call: " + err.Error())
	}
	if dec.More() {
		return badRequest("The request body holds more than one JSON value.")
	}
	return nil
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// pathID parses the {name} path value; a malformed ID is not found, like a
// well-formed one of another organization.
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, errNotFound
	}
	return id, nil
}

// queryID parses an optional ID of the query; empty is uuid.Nil.
func queryID(r *http.Request, name string) (uuid.UUID, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		return uuid.Nil, badRequest(fmt.Sprintf("The %s parameter is not an ID.", name))
	}
	return id, nil
}

// pageQuery reads limit and cursor, checking the cursor.
func pageQuery(r *http.Request) (limit int, cursor string, err error) {
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return 0, "", badRequest("The limit parameter must be a positive whole number.")
		}
	}
	cursor = q.Get("cursor")
	if _, err := storage.ParseCursor(cursor); err != nil {
		return 0, "", badRequest("The page cursor is invalid; start from the first page.")
	}
	return storage.PageLimit(limit), cursor, nil
}

// queryTime reads an optional RFC 3339 time.
func queryTime(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, badRequest(fmt.Sprintf("The %s parameter must be an RFC 3339 time such as 2024-12-04T10:30:00Z.", name))
	}
	return t, nil
}

// Page is one page of a list: Items, and Next, the cursor of the following
// page (absent on the last). Pass it back as ?cursor= for keyset paging.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// mapPage converts a storage page.
func mapPage[S, T any](p *storage.Page[S], f func(S) T) *Page[T] {
	out := &Page[T]{Items: make([]T, 0, len(p.Items)), Next: p.Next}
	for _, s := range p.Items {
		out.Items = append(out.Items, f(s))
	}
	return out
}

// Count is the answer of bulk operations.
type Count struct {
	Count int `json:"count"`
	// DryRun is true when nothing was changed: Count is what would be.
	DryRun bool `json:"dryRun,omitempty"`
}
