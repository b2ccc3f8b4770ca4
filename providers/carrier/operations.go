package carrier

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/intimeos/integrations/providers"
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
	if op == nil || (op.Name != OpSend && op.Name != OpRender) {
		return nil, providers.UnknownOperation(op)
	}
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	var f EnrollmentFile
	if err := json.Unmarshal(op.Payload, &f); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("carrier: %s: decode payload: %w", op.Name, err))
	}
	if err := f.validate(); err != nil {
		return nil, providers.InvalidInput(err)
	}
	now := p.now().UTC()
	icn := sftpdrop.FileNumber(f.ControlNumber, op.IdempotencyKey, now)
	data, err := render(st, &f, icn, now)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("carrier: %w", err))
	}
	name := fileName(st, icn)
	var out any = &Rendered{FileName: name, ControlNumber: icn, Content: string(data)}
	if op.Name == OpSend {
		same := func(old []byte) bool { return sameFile(old, data) }
		rc, err := p.sftp.Upload(ctx, st.target, name, data, &sftpdrop.UploadOpts{Same: same})
		if err != nil {
			return nil, err
		}
		out = &Delivery{FileName: name, Path: rc.Path, Size: rc.Size, SHA256: rc.SHA256, ControlNumber: icn,
			Members: len(f.Members), AlreadyDelivered: rc.AlreadyDelivered}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("carrier: encode result: %w", err)
	}
	return &providers.Result{Payload: b}, nil
}

// fileName is 834_<carrier>_<sender>_<control number>.edi: the control
// number makes it unique, and a retry finds its earlier file by it.
func fileName(st *settings, icn int) string {
	return fmt.Sprintf("834_%s_%s_%09d.edi", st.carrier.Code, st.senderID, icn)
}

// Send delivers an enrolment file through c (an instance or a failover
// group of benefits providers).
func Send(ctx context.Context, c providers.Caller, f *EnrollmentFile, idempotencyKey string) (*Delivery, error) {
	return callOp[Delivery](ctx, c, OpSend, f, idempotencyKey)
}

// Render renders an enrolment file through c without sending it.
func Render(ctx context.Context, c providers.Caller, f *EnrollmentFile) (*Rendered, error) {
	return callOp[Rendered](ctx, c, OpRender, f, "")
}

func callOp[Out any](ctx context.Context, c providers.Caller, name string, in any, key string) (*Out, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("carrier: %s: encode payload: %w", name, err))
	}
	res, err := c.Call(ctx, &providers.Operation{Name: name, Payload: payload, IdempotencyKey: key})
	if err != nil {
		return nil, err
	}
	var out Out
	if err := json.Unmarshal(res.Payload, &out); err != nil {
		return nil, fmt.Errorf("carrier: %s: decode result: %w", name, err)
	}
	return &out, nil
}
