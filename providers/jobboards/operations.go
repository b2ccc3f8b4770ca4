package jobboards

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// The operation names.
const (
	// OpJobUpsert adds a job to the feeds, or replaces the job with its
	// reference number: [Job] in, [UpsertResult] out.
	OpJobUpsert = "job_boards.job.upsert"
	// OpJobRemove takes a job off the feeds: [RemoveParams] in,
	// [RemoveResult] out. The boards drop it at their next fetch.
	OpJobRemove = "job_boards.job.remove"
	// OpFeedRender returns a board's feed as served: [RenderParams] in,
	// [Feed] out.
	OpFeedRender = "job_boards.feed.render"
)

// UpsertResult says where a job is published.
type UpsertResult struct {
	ReferenceNumber string `json:"referenceNumber"`
	// Created is false when the job replaced an earlier version.
	Created bool `json:"created"`
	// FeedURLs are the feeds the job is in, by board.
	FeedURLs map[string]string `json:"feedUrls"`
}

// RemoveParams is the payload of [OpJobRemove].
type RemoveParams struct {
	ReferenceNumber string `json:"referenceNumber"`
}

// RemoveResult says whether the job was in the feeds.
type RemoveResult struct {
	ReferenceNumber string `json:"referenceNumber"`
	Removed         bool   `json:"removed"`
}

// RenderParams is the payload of [OpFeedRender].
type RenderParams struct {
	Board string `json:"board"`
}

// Feed is a board's feed.
type Feed struct {
	Board       string `json:"board"`
	URL         string `json:"url"`
	ContentType string `json:"contentType"`
	XML         string `json:"xml"`
}

// Do implements [providers.Provider]: [OpJobUpsert], [OpJobRemove] and
// [OpFeedRender].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return httpapi.Dispatch(ctx, Name, map[string]httpapi.Handler[*settings]{
		OpJobUpsert: p.upsert, OpJobRemove: p.remove, OpFeedRender: p.render,
	}, op, func() (*settings, error) { return parseSettings(s) })
}

func (p *Provider) upsert(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	j, err := httpapi.Decode[Job](Name, OpJobUpsert, payload)
	if err != nil {
		return nil, err
	}
	if bad := j.validate(st.boards); len(bad) > 0 {
		return nil, httpapi.Invalid(Name, OpJobUpsert, strings.Join(bad, "; "))
	}
	s := store{st.dir}
	old, err := s.get(j.ReferenceNumber)
	if err != nil {
		return nil, storeError(err)
	}
	if j.Date.IsZero() {
		j.Date = p.c.Now().UTC().Truncate(1e9)
		if old != nil {
			j.Date = old.Date
		}
	}
	if err := s.put(j); err != nil {
		return nil, storeError(err)
	}
	p.c.Logger.DebugContext(ctx, "jobboards: job written", "created", old == nil)
	res := &UpsertResult{ReferenceNumber: j.ReferenceNumber, Created: old == nil, FeedURLs: map[string]string{}}
	for _, b := range j.boardsOf(st.boards) {
		res.FeedURLs[b] = st.boardURL(b)
	}
	return res, nil
}

func (p *Provider) remove(ctx context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[RemoveParams](Name, OpJobRemove, payload)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.ReferenceNumber) == "" {
		return nil, httpapi.Invalid(Name, OpJobRemove, "referenceNumber is required")
	}
	removed, err := store{st.dir}.remove(in.ReferenceNumber)
	if err != nil {
		return nil, storeError(err)
	}
	p.c.Logger.DebugContext(ctx, "jobboards: job removed", "found", removed)
	return &RemoveResult{ReferenceNumber: in.ReferenceNumber, Removed: removed}, nil
}

func (p *Provider) render(_ context.Context, st *settings, payload json.RawMessage) (any, error) {
	in, err := httpapi.Decode[RenderParams](Name, OpFeedRender, payload)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(st.boards, in.Board) {
		return nil, httpapi.Invalid(Name, OpFeedRender, fmt.Sprintf("board %q is not one of the integration's boards", in.Board))
	}
	jobs, latest, err := store{st.dir}.list()
	if err != nil {
		return nil, storeError(err)
	}
	if latest.IsZero() {
		latest = p.c.Now()
	}
	b, err := render(st, in.Board, jobs, latest)
	if err != nil {
		return nil, err
	}
	return &Feed{Board: in.Board, URL: st.boardURL(in.Board), ContentType: "application/xml; charset=utf-8", XML: string(b)}, nil
}

// storeError marks a failure of the feed directory: permanent (a
// directory that cannot be written stays so until an administrator acts).
func storeError(err error) error { return providers.NewError(providers.KindPermanent, err) }

// JobUpsert adds or replaces a job through c (an instance or a failover
// group of job board providers).
func JobUpsert(ctx context.Context, c providers.Caller, j *Job) (*UpsertResult, error) {
	return httpapi.Call[UpsertResult](ctx, c, Name, OpJobUpsert, j, "")
}

// JobRemove takes a job off the feeds through c.
func JobRemove(ctx context.Context, c providers.Caller, referenceNumber string) (*RemoveResult, error) {
	return httpapi.Call[RemoveResult](ctx, c, Name, OpJobRemove, &RemoveParams{ReferenceNumber: referenceNumber}, "")
}

// FeedRender returns a board's feed through c.
func FeedRender(ctx context.Context, c providers.Caller, board string) (*Feed, error) {
	return httpapi.Call[Feed](ctx, c, Name, OpFeedRender, &RenderParams{Board: board}, "")
}
