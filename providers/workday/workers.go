package workday

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Workday's own operations.
const (
	// OpWorkersList reads one page of workers: [WorkersParams] in,
	// [WorkersPage] out. Hosts call [WorkersList].
	OpWorkersList = "workday.workers.list"
	// OpWorkerGet reads one worker: [WorkerParams] in, [Worker] out. Hosts
	// call [WorkerGet].
	OpWorkerGet = "workday.worker.get"
)

// Paging limits of GET /workers.
const (
	// LimitDefault is Workday's page size when none is asked for.
	LimitDefault = 20
	// LimitMax is the largest page Workday serves.
	LimitMax = 100
	// MaxSearch bounds [WorkersParams.Search].
	MaxSearch = 200
)

// WorkersParams is the payload of [OpWorkersList].
type WorkersParams struct {
	// Limit is the page size, 1 to [LimitMax]; zero means
	// [LimitDefault].
	Limit int `json:"limit,omitempty"`
	// Offset is the position of the page's first worker, from 0.
	Offset int `json:"offset,omitempty"`
	// Search, if set, finds workers by name or ID (Workday's search
	// parameter).
	Search string `json:"search,omitempty"`
	// IncludeTerminated also lists terminated workers.
	IncludeTerminated bool `json:"includeTerminated,omitempty"`
}

// WorkersPage is one page of workers.
type WorkersPage struct {
	Workers []Worker `json:"workers"`
	// Total is how many workers match, over all pages.
	Total  int `json:"total"`
	Offset int `json:"offset"`
	// More is true when workers follow this page: read the next from
	// Offset + len(Workers).
	More bool `json:"more,omitempty"`
}

// WorkerParams is the payload of [OpWorkerGet].
type WorkerParams struct {
	// ID is the worker's Workday ID (WID): 32 hexadecimal digits.
	ID string `json:"id"`
}

// Worker is a worker as the common service's /workers resource describes
// one; the JSON names are Workday's.
type Worker struct {
	// ID is the worker's Workday ID (WID).
	ID string `json:"id"`
	// Descriptor is the worker's name as Workday displays it.
	Descriptor       string `json:"descriptor"`
	Href             string `json:"href,omitempty"`
	BusinessTitle    string `json:"businessTitle,omitempty"`
	PrimaryWorkEmail string `json:"primaryWorkEmail,omitempty"`
	PrimaryWorkPhone string `json:"primaryWorkPhone,omitempty"`
	IsManager        bool   `json:"isManager,omitempty"`
	// PrimarySupervisoryOrganization is the worker's team, the nearest
	// Workday has to a department.
	PrimarySupervisoryOrganization *Reference `json:"primarySupervisoryOrganization,omitempty"`
	Location                       *Reference `json:"location,omitempty"`
	PrimaryWorkAddressText         string     `json:"primaryWorkAddressText,omitempty"`
}

// Reference is Workday's reference to another resource.
type Reference struct {
	ID         string `json:"id"`
	Descriptor string `json:"descriptor"`
	Href       string `json:"href,omitempty"`
}

// apiPage is Workday's collection answer: {"total": n, "data": [...]}.
type apiPage struct {
	Total int      `json:"total"`
	Data  []Worker `json:"data"`
}

var wid = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkWID refuses anything but a Workday ID, so that no other path is
// reached.
func checkWID(op, id string) error {
	if !wid.MatchString(id) {
		return httpapi.Invalid(Name, op, "id must be a Workday ID (32 hexadecimal digits)")
	}
	return nil
}

func workersList(ctx context.Context, c *session, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[WorkersParams](Name, OpWorkersList, payload)
	if err != nil {
		return nil, err
	}
	if err := in.normalise(); err != nil {
		return nil, err
	}
	return c.workers(ctx, in)
}

func (in *WorkersParams) normalise() error {
	if in.Limit == 0 {
		in.Limit = LimitDefault
	}
	switch {
	case in.Limit < 1 || in.Limit > LimitMax:
		return httpapi.Invalid(Name, OpWorkersList, fmt.Sprintf("limit must be 1 to %d", LimitMax))
	case in.Offset < 0:
		return httpapi.Invalid(Name, OpWorkersList, "offset must not be negative")
	case len(in.Search) > MaxSearch:
		return httpapi.Invalid(Name, OpWorkersList, fmt.Sprintf("search must be at most %d bytes", MaxSearch))
	}
	in.Search = strings.TrimSpace(in.Search)
	return nil
}

// workers reads GET /workers?limit=&offset=[&search=][&includeTerminatedWorkers=true].
func (c *session) workers(ctx context.Context, in *WorkersParams) (*WorkersPage, error) {
	q := url.Values{"limit": {strconv.Itoa(in.Limit)}, "offset": {strconv.Itoa(in.Offset)}}
	if in.Search != "" {
		q.Set("search", in.Search)
	}
	if in.IncludeTerminated {
		q.Set("includeTerminatedWorkers", "true")
	}
	var page apiPage
	if err := c.JSON(ctx, http.MethodGet, c.st.apiURL("/workers", q), nil, &page); err != nil {
		return nil, err
	}
	if page.Data == nil {
		page.Data = []Worker{}
	}
	return &WorkersPage{Workers: page.Data, Total: page.Total, Offset: in.Offset,
		More: len(page.Data) > 0 && in.Offset+len(page.Data) < page.Total}, nil
}

func workerGet(ctx context.Context, c *session, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[WorkerParams](Name, OpWorkerGet, payload)
	if err != nil {
		return nil, err
	}
	if err := checkWID(OpWorkerGet, in.ID); err != nil {
		return nil, err
	}
	var w Worker
	if err := c.JSON(ctx, http.MethodGet, c.st.apiURL("/workers/"+in.ID, nil), nil, &w); err != nil {
		return nil, err
	}
	return &w, nil
}
