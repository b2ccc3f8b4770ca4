package recordkeeper

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/intimeos/integrations/providers"
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
	if op == nil || (op.Name != OpSend && op.Name != OpRender) {
		return nil, providers.UnknownOperation(op)
	}
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	var f ContributionFile
	if err := json.Unmarshal(op.Payload, &f); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("recordkeeper: %s: decode payload: %w", op.Name, err))
	}
	if err := f.validate(); err != nil {
		return nil, providers.InvalidInput(err)
	}
	now := p.now().UTC()
	id := sftpdrop.FileNumber(f.FileID, op.IdempotencyKey, now)
	data, err := render(st, &f, id, now)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("401k_%s_%s_%s_%09d.csv", st.recordkeeper.Code, st.planNumber, date(f.PayrollDate), id)
	var out any = &Rendered{FileName: name, FileID: id, Content: string(data)}
	if op.Name == OpSend {
		same := func(old []byte) bool { return sameFile(old, data) }
		rc, err := p.sftp.Upload(ctx, st.target, name, data, &sftpdrop.UploadOpts{Same: same})
		if err != nil {
			return nil, err
		}
		out = &Delivery{FileName: name, Path: rc.Path, Size: rc.Size, SHA256: rc.SHA256, FileID: id,
			Records: len(f.Contributions), AlreadyDelivered: rc.AlreadyDelivered}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("recordkeeper: encode result: %w", err)
	}
	return &providers.Result{Payload: b}, nil
}

// Send delivers a contribution file through c (an instance or a failover
// group of retirement providers).
func Send(ctx context.Context, c providers.Caller, f *ContributionFile, idempotencyKey string) (*Delivery, error) {
	return callOp[Delivery](ctx, c, OpSend, f, idempotencyKey)
}

// Render renders a contribution file through c without sending it.
func Render(ctx context.Context, c providers.Caller, f *ContributionFile) (*Rendered, error) {
	return callOp[Rendered](ctx, c, OpRender, f, "")
}

func callOp[Out any](ctx context.Context, c providers.Caller, name string, in any, key string) (*Out, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("recordkeeper: %s: encode payload: %w", name, err))
	}
	res, err := c.Call(ctx, &providers.Operation{Name: name, Payload: payload, IdempotencyKey: key})
	if err != nil {
		return nil, err
	}
	var out Out
	if err := json.Unmarshal(res.Payload, &out); err != nil {
		return nil, fmt.Errorf("recordkeeper: %s: decode result: %w", name, err)
	}
	return &out, nil
}
