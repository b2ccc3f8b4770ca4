package carrier

import (
	"context"
	"fmt"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/filedrop"
	"github.com/intimeos/integrations/providers/internal/httpapi"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// The operation names: the benefits type's operations.
const (
	// OpSend renders an enrolment file and delivers it to the carrier's
	// SFTP server: [EnrollmentFile] in, [Delivery] out.
	OpSend = "benefits.enrollment.send"
	// OpRender renders it without sending, for review or a manual upload
	// (§9's fallback for file-based integrations): [EnrollmentFile] in,
	// [Rendered] out.
	OpRender = "benefits.enrollment.render"
)

// Delivery is a delivered enrolment file.
type Delivery struct {
	FileName string `json:"fileName"`
	// Path is the file's path on the carrier's server.
	Path string `json:"path"`
	Size int64  `json:"size"`
	// SHA256 is the hex SHA-256 of the file.
	SHA256        string `json:"sha256"`
	ControlNumber int    `json:"controlNumber"`
	Members       int    `json:"members"`
	// AlreadyDelivered is true when the server already had this file
	// (a retry of a delivery whose answer was lost).
	AlreadyDelivered bool `json:"alreadyDelivered,omitempty"`
}

// Rendered is an enrolment file that was not sent.
type Rendered struct {
	FileName      string `json:"fileName"`
	ControlNumber int    `json:"controlNumber"`
	// Content is the X12 text.
	Content string `json:"content"`
}

// Do implements [providers.Provider]: it runs [OpSend] or [OpRender].
func (p *Provider) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	return p.drop.Do(ctx, s, op)
}

// ops are the operations: an [EnrollmentFile] rendered as an 834
// interchange whose control number numbers the file.
var ops = filedrop.Ops[*settings, EnrollmentFile]{Name: Name, OpSend: OpSend, OpRender: OpRender,
	Parse: parseSettings, Validate: (*EnrollmentFile).validate,
	Number: func(f *EnrollmentFile) int { return f.ControlNumber }, Render: renderFile}

// renderFile renders f as interchange icn, and the results that report it.
func renderFile(st *settings, f *EnrollmentFile, icn int, now time.Time) (*filedrop.File, error) {
	data, err := render(st, f, icn, now)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("carrier: %w", err))
	}
	name := fileName(st, icn)
	return &filedrop.File{Name: name, Data: data, Same: func(old []byte) bool { return sameFile(old, data) },
		Rendered: &Rendered{FileName: name, ControlNumber: icn, Content: string(data)},
		Delivered: func(rc *sftpdrop.Receipt) any {
			return &Delivery{FileName: name, Path: rc.Path, Size: rc.Size, SHA256: rc.SHA256, ControlNumber: icn,
				Members: len(f.Members), AlreadyDelivered: rc.AlreadyDelivered}
		}}, nil
}

// fileName is 834_<carrier>_<sender>_<control number>.edi: the control
// number makes it unique, and a retry finds its earlier file by it.
func fileName(st *settings, icn int) string {
	return fmt.Sprintf("834_%s_%s_%09d.edi", st.carrier.Code, st.senderID, icn)
}

// Send delivers an enrolment file through c (an instance or a failover
// group of benefits providers).
func Send(ctx context.Context, c providers.Caller, f *EnrollmentFile, idempotencyKey string) (*Delivery, error) {
	return httpapi.Call[Delivery](ctx, c, Name, OpSend, f, idempotencyKey)
}

// Render renders an enrolment file through c without sending it.
func Render(ctx context.Context, c providers.Caller, f *EnrollmentFile) (*Rendered, error) {
	return httpapi.Call[Rendered](ctx, c, Name, OpRender, f, "")
}
