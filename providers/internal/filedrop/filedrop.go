package filedrop

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/sftpdrop"
)

// Settings are a file provider's parsed, valid settings: they say where
// files go.
type Settings interface {
	Target() *sftpdrop.Target
}

// File is a payload rendered for delivery, with the results that report it.
type File struct {
	// Name is the file's name in the upload folder.
	Name string
	// Data is its content.
	Data []byte
	// Same, if set, reports whether old, a file already at Name, is this
	// one as an earlier attempt rendered it (see [sftpdrop.UploadOpts]).
	Same func(old []byte) bool
	// Rendered is the render operation's result.
	Rendered any
	// Delivered returns the send operation's result from the upload's
	// receipt.
	Delivered func(*sftpdrop.Receipt) any
}

// Ops describe a file provider's operations: payload In, rendered under
// settings S.
type Ops[S Settings, In any] struct {
	// Name prefixes messages: "carrier".
	Name string
	// OpSend is the operation that renders a payload and delivers its
	// file; OpRender the one that only renders it.
	OpSend, OpRender string
	// Parse validates and parses settings.
	Parse func(providers.Settings) (S, error)
	// Validate checks a payload; its error becomes
	// [providers.KindInvalidInput].
	Validate func(*In) error
	// Number returns the file number a payload gives, 0 for none (see
	// [sftpdrop.FileNumber]).
	Number func(*In) int
	// Render renders a valid payload as file number n at now (UTC).
	Render func(st S, in *In, n int, now time.Time) (*File, error)
}

// Dropper runs a provider's [Ops] with an SFTP client. It is safe for
// concurrent use.
type Dropper[S Settings, In any] struct {
	ops  *Ops[S, In]
	sftp *sftpdrop.Client
	now  func() time.Time
}

// New returns a Dropper of ops whose client cfg configures (nil means all
// defaults; a nil Now, time.Now). File providers' Config types have
// sftpdrop.Config's fields and convert to it.
func New[S Settings, In any](ops *Ops[S, In], cfg *sftpdrop.Config) *Dropper[S, In] {
	var c sftpdrop.Config
	if cfg != nil {
		c = *cfg
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Dropper[S, In]{ops: ops, sftp: sftpdrop.New(&c), now: c.Now}
}

// Check runs [sftpdrop.Client.Check] against the target of settings s:
// DNS, TCP, the SSH handshake against the pinned host key, then key
// authentication and the upload folder. Nothing is written. Invalid
// settings are an error, not a stage.
func (d *Dropper[S, In]) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := d.ops.Parse(s)
	if err != nil {
		return nil, err
	}
	return d.sftp.Check(ctx, st.Target()), nil
}

// Do runs op, the send or the render operation, with settings s; any other
// is answered with [providers.UnknownOperation]. The file is numbered by
// the payload, else by the operation's idempotency key, so that a retry
// renders the same name.
func (d *Dropper[S, In]) Do(ctx context.Context, s providers.Settings, op *providers.Operation) (*providers.Result, error) {
	o := d.ops
	if op == nil || (op.Name != o.OpSend && op.Name != o.OpRender) {
		return nil, providers.UnknownOperation(op)
	}
	st, err := o.Parse(s)
	if err != nil {
		return nil, err
	}
	f, err := d.render(st, op)
	if err != nil {
		return nil, err
	}
	out := f.Rendered
	if op.Name == o.OpSend {
		rc, err := d.sftp.Upload(ctx, st.Target(), f.Name, f.Data, &sftpdrop.UploadOpts{Same: f.Same})
		if err != nil {
			return nil, err
		}
		out = f.Delivered(rc)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("%s: encode result: %w", o.Name, err)
	}
	return &providers.Result{Payload: b}, nil
}

// render decodes, validates, numbers and renders op's payload.
func (d *Dropper[S, In]) render(st S, op *providers.Operation) (*File, error) {
	var in In
	if err := json.Unmarshal(op.Payload, &in); err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("%s: %s: decode payload: %w", d.ops.Name, op.Name, err))
	}
	if err := d.ops.Validate(&in); err != nil {
		return nil, providers.InvalidInput(err)
	}
	now := d.now().UTC()
	return d.ops.Render(st, &in, sftpdrop.FileNumber(d.ops.Number(&in), op.IdempotencyKey, now), now)
}

// ParseSettings checks s against fields, a provider's form with
// [sftpdrop.Fields] among its own, and parses the SFTP target: one
// *providers.ValidationError for both, each field with its first message.
func ParseSettings(fields []providers.Field, s providers.Settings) (*sftpdrop.Target, error) {
	ve := &providers.ValidationError{}
	if err := providers.ValidateSettings(fields, s); err != nil {
		ve = err.(*providers.ValidationError)
	}
	target, errs := sftpdrop.ParseSettings(s)
	for _, e := range errs {
		if ve.Field(e.Field) == "" {
			ve.Fields = append(ve.Fields, e)
		}
	}
	if len(ve.Fields) > 0 {
		return nil, ve
	}
	return target, nil
}
