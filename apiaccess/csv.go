package apiaccess

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CSVHeader is the first row of [Service.UsageReportCSV]. Each row's kind
// says which columns it fills:
//
//   - total: the whole selection;
//   - token: one token (token_id, token_name);
//   - endpoint: one route pattern (route);
//   - limit: the current window of a limit (limit, max, requests admitted);
//   - throttled: requests one limit refused in one minute (token, route,
//     limit, requests, first_at, last_at).
var CSVHeader = []string{"kind", "token_id", "token_name", "route", "limit", "max", "requests", "success_2xx",
	"client_4xx", "server_5xx", "other", "success_pct", "client_4xx_pct", "server_5xx_pct", "first_at", "last_at"}

// UsageReportCSV writes the usage of p as CSV ("Generate Report", §7).
// Percentages have two decimals; times are RFC 3339 UTC. Cells that a
// spreadsheet would read as a formula are prefixed with a quote.
func (s *Service) UsageReportCSV(ctx context.Context, w io.Writer, p *UsageParams) error {
	u, err := s.Usage(ctx, p)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	rows := [][]string{slices.Clone(CSVHeader), countsRow("total", "", "", "", u.Counts)} // cells are made safe in place
	for _, t := range u.Tokens {
		rows = append(rows, countsRow("token", t.TokenID.String(), t.Name, "", t.Counts))
	}
	for _, e := range u.Endpoints {
		rows = append(rows, countsRow("endpoint", "", "", e.Route, e.Counts))
	}
	for _, l := range u.Limits {
		row := make([]string, len(CSVHeader))
		row[0], row[4], row[5], row[6] = "limit", l.Limit.String(), strconv.Itoa(l.Max), strconv.FormatInt(l.Used, 10)
		row[14], row[15] = stamp(l.WindowStart), stamp(l.WindowEnd)
		rows = append(rows, row)
	}
	for _, t := range u.Throttled {
		row := make([]string, len(CSVHeader))
		row[0], row[1], row[3], row[4] = "throttled", t.TokenID.String(), t.Route, t.Limit
		row[6], row[14], row[15] = strconv.FormatInt(t.Requests, 10), stamp(t.FirstAt), stamp(t.LastAt)
		rows = append(rows, row)
	}
	for _, row := range rows {
		for i, c := range row {
			row[i] = cellSafe(c)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("apiaccess: write report: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("apiaccess: write report: %w", err)
	}
	return nil
}

func countsRow(kind, token, name, route string, c Counts) []string {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	return []string{kind, token, name, route, "", "", n(c.Total), n(c.Success), n(c.ClientErrors), n(c.ServerErrors),
		n(c.Other), f(c.SuccessPct), f(c.ClientErrorPct), f(c.ServerErrorPct), "", ""}
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// cellSafe keeps a spreadsheet from running a cell as a formula (CSV
// injection): text starting with = + - @ or a tab gets a leading quote.
func cellSafe(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		if _, err := strconv.ParseFloat(c, 64); err != nil {
			return "'" + c
		}
	}
	return c
}
