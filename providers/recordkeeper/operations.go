package recordkeeper

import (
	"context"
	"fmt"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/filedrop"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// The operation names: the retirement type's operations.
const (
	// OpSend renders a contribution file and delivers it to the
	// recordkeeper's SFTP server: [ContributionFile] in, [Delivery] out.
	OpSend = "retirement.contribution.send"
	// OpRender renders it without sending, for review or a manual upload:
	// [ContributionFile] in, [Rendered] out.
	OpRender = "retirement.contribution.render"
)

// Delivery is a delivered contribution file.
type Delivery struct {
	FileName string `json:"fileName"`
	// Path is the file's path on the recordkeeper's server.
	Path string `json:"path"`
	Size int64  `json:"size"`
	// SHA256 is the hex SHA-256 of the file.
	SHA256  string `json:"sha256"`
	FileID  int    `json:"fileId"`
	Records int    `json:"records"`
	// AlreadyDelivered is true when the server already had this file
	// (a retry of a delivery whose answer was lost).
	AlreadyDelivered bool `json:"alreadyDelivered,omitempty"`
}

// Rendered is a contribution file that was not sent.
type Rendered struct {
	FileName string `json:"fileName"`
	FileID   int    `json:"fileId"`
	// Content is the CSV text.
	Content string `json:"content"`
}

// Do implements [providers.Provider]: it runs [OpSend] or [OpRender].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return p.drop.Do(ctx, s, op)
}

// ops are the operations: a [ContributionFile] rendered in the documented
// layout, its file ID numbering the file.
var ops = filedrop.Ops[*settings, ContributionFile]{Name: Name, OpSend: OpSend, OpRender: OpRender,
	Parse: parseSettings, Validate: (*ContributionFile).validate,
	Number: func(f *ContributionFile) int { return f.FileID }, Render: renderFile}

// renderFile renders f as file id, and the results that report it.
func renderFile(st *settings, f *ContributionFile, id int, now time.Time) (*filedrop.File, error) {
	data, err := render(st, f, id, now)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("401k_%s_%s_%s_%09d.csv", st.recordkeeper.Code, st.planNumber, date(f.PayrollDate), id)
	return &filedrop.File{Name: name, Data: data, Same: func(old []byte) bool { return sameFile(old, data) },
		Rendered: &Rendered{FileName: name, FileID: id, Content: string(data)},
		Delivered: func(rc *sftpdrop.Receipt) any {
			return &Delivery{FileName: name, Path: rc.Path, Size: rc.Size, SHA256: rc.SHA256, FileID: id,
				Records: len(f.Contributions), AlreadyDelivered: rc.AlreadyDelivered}
		}}, nil
}

// Send delivers a contribution file through c (an instance or a failover
// group of retirement providers).
func Send(ctx context.Context, c providers.Caller, f *ContributionFile, idempotencyKey string) (*Delivery, error) {
	return httpapi.Call[Delivery](ctx, c, Name, OpSend, f, idempotencyKey)
}

// Render renders a contribution file through c without sending it.
func Render(ctx context.Context, c providers.Caller, f *ContributionFile) (*Rendered, error) {
	return httpapi.Call[Rendered](ctx, c, Name, OpRender, f, "")
}
