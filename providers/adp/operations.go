package adp

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/intimeos/integrations/providers"
)

// The operation names.
const (
	// OpWorkersList lists workers a page at a time: [WorkersListParams] in,
	// [WorkersPage] out.
	OpWorkersList = "adp.workers.list"
	// OpPayrollExport exports pay statements: [PayrollExportParams] in,
	// [PayrollExportResult] out.
	OpPayrollExport = "payroll.export"
)

// Paging limits of [OpWorkersList] and of the worker scan of
// [OpPayrollExport].
const (
	// PageSizeMax is the largest $top ADP serves, and the default.
	PageSizeMax = 100
	// ExportWorkersMax bounds how many workers one export scans.
	ExportWorkersMax = 10_000
	// LastPayDatesMax bounds [PayrollExportParams.LastPayDates].
	LastPayDatesMax = 52
)

// FormatCSV asks [OpPayrollExport] for CSV as well as rows.
const FormatCSV = "csv"

// WorkersListParams is the payload of [OpWorkersList].
type WorkersListParams struct {
	// Top is the page size, 1 to [PageSizeMax]; 0 means [PageSizeMax].
	Top int `json:"top,omitempty"`
	// Skip is how many workers to skip (0 for the first page).
	Skip int `json:"skip,omitempty"`
}

// WorkersPage is one page of workers. A page shorter than Top is the
// last.
type WorkersPage struct {
	Workers []Worker `json:"workers"`
	Top     int      `json:"top"`
	Skip    int      `json:"skip"`
	// Total is ADP's count of all workers, 0 if not reported.
	Total int `json:"total,omitempty"`
}

// Worker is a normalised ADP worker.
type Worker struct {
	// AssociateOID is ADP's ID of the worker (the aoid in API paths).
	AssociateOID  string `json:"associateOid"`
	WorkerID      string `json:"workerId,omitempty"`
	GivenName     string `json:"givenName,omitempty"`
	FamilyName    string `json:"familyName,omitempty"`
	FormattedName string `json:"formattedName,omitempty"`
	Email         string `json:"email,omitempty"`
	// Status is ADP's worker status code, e.g. "Active", "Terminated".
	Status string `json:"status,omitempty"`
	// HireDate is the original hire date, YYYY-MM-DD.
	HireDate string `json:"hireDate,omitempty"`
	// JobTitle is the primary work assignment's title.
	JobTitle string `json:"jobTitle,omitempty"`
}

// PayrollExportParams is the payload of [OpPayrollExport].
type PayrollExportParams struct {
	// AssociateOIDs are the workers to export; empty means every worker.
	AssociateOIDs []string `json:"associateOids,omitempty"`
	// LastPayDates is how many of each worker's latest pay dates to
	// export, 1 to [LastPayDatesMax]; 0 means 1.
	LastPayDates int `json:"lastPayDates,omitempty"`
	// Format is "" (rows only) or [FormatCSV] (rows and CSV).
	Format string `json:"format,omitempty"`
}

// PayrollExportResult is an export's rows, one per pay statement.
type PayrollExportResult struct {
	Rows []PayrollRow `json:"rows"`
	// CSV is the rows as CSV with a header line, when asked for.
	CSV string `json:"csv,omitempty"`
}

// PayrollRow is one pay statement. Amounts are decimal text exactly as ADP
// sent them, so that no rounding happens on the way.
type PayrollRow struct {
	AssociateOID string `json:"associateOid"`
	// PayDate is YYYY-MM-DD.
	PayDate    string `json:"payDate"`
	GrossPay   string `json:"grossPay,omitempty"`
	NetPay     string `json:"netPay,omitempty"`
	Currency   string `json:"currency,omitempty"`
	TotalHours string `json:"totalHours,omitempty"`
	// StatementURI is ADP's link to the statement's details.
	StatementURI string `json:"statementUri,omitempty"`
}

// csvHeader is the CSV export's header line.
var csvHeader = []string{"associateOid", "payDate", "grossPay", "netPay", "currency", "totalHours", "statementUri"}

// ADP's wire forms.
type (
	codeValue struct {
		CodeValue string `json:"codeValue"`
	}
	apiWorkers struct {
		Workers []apiWorker `json:"workers"`
		Meta    struct {
			TotalNumber int `json:"totalNumber"`
		} `json:"meta"`
	}
	apiWorker struct {
		AssociateOID string `json:"associateOID"`
		WorkerID     struct {
			IDValue string `json:"idValue"`
		} `json:"workerID"`
		Person struct {
			LegalName struct {
				GivenName     string `json:"givenName"`
				FamilyName1   string `json:"familyName1"`
				FormattedName string `json:"formattedName"`
			} `json:"legalName"`
		} `json:"person"`
		BusinessCommunication struct {
			Emails []struct {
				EmailURI string `json:"emailUri"`
			} `json:"emails"`
		} `json:"businessCommunication"`
		WorkerDates struct {
			OriginalHireDate string `json:"originalHireDate"`
		} `json:"workerDates"`
		WorkerStatus struct {
			StatusCode codeValue `json:"statusCode"`
		} `json:"workerStatus"`
		WorkAssignments []struct {
			PrimaryIndicator bool   `json:"primaryIndicator"`
			JobTitle         string `json:"jobTitle"`
		} `json:"workAssignments"`
	}
	apiAmount struct {
		AmountValue  json.Number `json:"amountValue"`
		CurrencyCode string      `json:"currencyCode"`
	}
	apiPayStatements struct {
		PayStatements []struct {
			PayDate        string      `json:"payDate"`
			NetPayAmount   apiAmount   `json:"netPayAmount"`
			GrossPayAmount apiAmount   `json:"grossPayAmount"`
			TotalHours     json.Number `json:"totalHours"`
			PayDetailURI   struct {
				Href string `json:"href"`
			} `json:"payDetailUri"`
		} `json:"payStatements"`
	}
)

// handler runs one operation with its payload.
type handler func(ctx context.Context, c *client, payload json.RawMessage) (any, error)

var handlers = map[string]handler{
	OpWorkersList:   workersList,
	OpPayrollExport: payrollExport,
}

// Do implements [providers.Provider]: it runs [OpWorkersList] or
// [OpPayrollExport].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	h, ok := handlers[opName(op)]
	if !ok {
		return nil, providers.UnknownOperation(op)
	}
	st, err := p.parseSettings(s)
	if err != nil {
		return nil, err
	}
	out, err := h(ctx, &client{p: p, s: st}, op.Payload)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("adp: encode result: %w", err)
	}
	return &providers.Result{Payload: b}, nil
}

func opName(op *providers.Operation) string {
	if op == nil {
		return ""
	}
	return op.Name
}

// decode decodes an operation's payload (empty means defaults) into a T.
func decode[T any](op string, payload json.RawMessage) (*T, error) {
	var v T
	if len(bytes.TrimSpace(payload)) == 0 {
		return &v, nil
	}
	if err := json.Unmarshal(payload, &v); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("adp: %s: decode payload: %w", op, err))
	}
	return &v, nil
}

func invalid(op, msg string) error {
	return providers.InvalidInput(errors.New("adp: " + op + ": " + msg))
}

func workersList(ctx context.Context, c *client, payload json.RawMessage) (any, error) {
	in, err := decode[WorkersListParams](OpWorkersList, payload)
	if err != nil {
		return nil, err
	}
	if in.Top == 0 {
		in.Top = PageSizeMax
	}
	if in.Top < 1 || in.Top > PageSizeMax || in.Skip < 0 {
		return nil, invalid(OpWorkersList, fmt.Sprintf("top must be 1 to %d and skip at least 0", PageSizeMax))
	}
	return c.workersPage(ctx, in.Top, in.Skip)
}

// workersPage reads GET /hr/v2/workers?$top=&$skip=.
func (c *client) workersPage(ctx context.Context, top, skip int) (*WorkersPage, error) {
	q := url.Values{"$top": {strconv.Itoa(top)}, "$skip": {strconv.Itoa(skip)}}
	var out apiWorkers
	if _, err := c.get(ctx, "/hr/v2/workers", q, &out); err != nil {
		return nil, err
	}
	page := &WorkersPage{Workers: make([]Worker, 0, len(out.Workers)), Top: top, Skip: skip, Total: out.Meta.TotalNumber}
	for i := range out.Workers {
		page.Workers = append(page.Workers, normaliseWorker(&out.Workers[i]))
	}
	return page, nil
}

func normaliseWorker(w *apiWorker) Worker {
	n := Worker{AssociateOID: w.AssociateOID, WorkerID: w.WorkerID.IDValue,
		GivenName: w.Person.LegalName.GivenName, FamilyName: w.Person.LegalName.FamilyName1,
		FormattedName: w.Person.LegalName.FormattedName, Status: w.WorkerStatus.StatusCode.CodeValue,
		HireDate: w.WorkerDates.OriginalHireDate}
	if len(w.BusinessCommunication.Emails) > 0 {
		n.Email = w.BusinessCommunication.Emails[0].EmailURI
	}
	for i, a := range w.WorkAssignments {
		if a.PrimaryIndicator || i == 0 {
			n.JobTitle = a.JobTitle
		}
	}
	return n
}

func payrollExport(ctx context.Context, c *client, payload json.RawMessage) (any, error) {
	in, err := decode[PayrollExportParams](OpPayrollExport, payload)
	if err != nil {
		return nil, err
	}
	if in.LastPayDates == 0 {
		in.LastPayDates = 1
	}
	switch {
	case in.LastPayDates < 1 || in.LastPayDates > LastPayDatesMax:
		return nil, invalid(OpPayrollExport, fmt.Sprintf("lastPayDates must be 1 to %d", LastPayDatesMax))
	case in.Format != "" && in.Format != FormatCSV:
		return nil, invalid(OpPayrollExport, `format must be "" or "csv"`)
	}
	aoids := in.AssociateOIDs
	if len(aoids) == 0 {
		if aoids, err = c.allWorkers(ctx); err != nil {
			return nil, err
		}
	}
	res := &PayrollExportResult{Rows: []PayrollRow{}}
	for _, aoid := range aoids {
		rows, err := c.payStatements(ctx, aoid, in.LastPayDates)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, rows...)
	}
	if in.Format == FormatCSV {
		res.CSV = toCSV(res.Rows)
	}
	return res, nil
}

// allWorkers pages through the workers and returns their associate OIDs.
func (c *client) allWorkers(ctx context.Context) ([]string, error) {
	var aoids []string
	for skip := 0; skip < ExportWorkersMax; skip += PageSizeMax {
		page, err := c.workersPage(ctx, PageSizeMax, skip)
		if err != nil {
			return nil, err
		}
		for _, w := range page.Workers {
			aoids = append(aoids, w.AssociateOID)
		}
		if len(page.Workers) < PageSizeMax {
			return aoids, nil
		}
	}
	return nil, invalid(OpPayrollExport, fmt.Sprintf("more than %d workers: export them by associateOids", ExportWorkersMax))
}

// payStatements reads GET /payroll/v1/workers/{aoid}/pay-statements.
func (c *client) payStatements(ctx context.Context, aoid string, last int) ([]PayrollRow, error) {
	if aoid == "" {
		return nil, invalid(OpPayrollExport, "an associate OID is empty")
	}
	var out apiPayStatements
	q := url.Values{"numberoflastpaydates": {strconv.Itoa(last)}}
	if _, err := c.get(ctx, "/payroll/v1/workers/"+url.PathEscape(aoid)+"/pay-statements", q, &out); err != nil {
		return nil, err
	}
	rows := make([]PayrollRow, 0, len(out.PayStatements))
	for _, s := range out.PayStatements {
		rows = append(rows, PayrollRow{AssociateOID: aoid, PayDate: s.PayDate, GrossPay: s.GrossPayAmount.AmountValue.String(),
			NetPay: s.NetPayAmount.AmountValue.String(), Currency: s.GrossPayAmount.CurrencyCode,
			TotalHours: s.TotalHours.String(), StatementURI: s.PayDetailURI.Href})
	}
	return rows, nil
}

func toCSV(rows []PayrollRow) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(csvHeader)
	for _, r := range rows {
		_ = w.Write([]string{r.AssociateOID, r.PayDate, r.GrossPay, r.NetPay, r.Currency, r.TotalHours, r.StatementURI})
	}
	w.Flush()
	return b.String()
}
