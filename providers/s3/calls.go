package s3

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/intimeos/integrations/providers"
)

// Put stores a file through c (an instance or a failover group of storage
// providers).
func Put(ctx context.Context, c providers.Caller, p *PutParams) (*PutResult, error) {
	return callOp[PutResult](ctx, c, OpPut, p)
}

// Get reads the file at key through c.
func Get(ctx context.Context, c providers.Caller, key string) (*Object, error) {
	return callOp[Object](ctx, c, OpGet, &GetParams{Key: key})
}

// Presign returns a download URL for a file through c.
func Presign(ctx context.Context, c providers.Caller, p *PresignParams) (*PresignedURL, error) {
	return callOp[PresignedURL](ctx, c, OpPresign, p)
}

// Delete deletes the file at key through c.
func Delete(ctx context.Context, c providers.Caller, key string) (*DeleteResult, error) {
	return callOp[DeleteResult](ctx, c, OpDelete, &DeleteParams{Key: key})
}

// Reconcile uploads the files kept in the local fallback through c; hosts
// call it when S3 is back (after a passing connection test, or on a timer).
func Reconcile(ctx context.Context, c providers.Caller) (*ReconcileResult, error) {
	return callOp[ReconcileResult](ctx, c, OpReconcile, struct{}{})
}

// callOp runs operation name with payload in and decodes its result.
func callOp[Out any](ctx context.Context, c providers.Caller, name string, in any) (*Out, error) {
	payload, err := json.Marshal(in)
	if err != nil {
		return nil, providers.InvalidInput(fmt.Errorf("s3: %s: encode payload: %w", name, err))
	}
	res, err := c.Call(ctx, &providers.Operation{Name: name, Payload: payload})
	if err != nil {
		return nil, err
	}
	var out Out
	if err := json.Unmarshal(res.Payload, &out); err != nil {
		return nil, fmt.Errorf("s3: %s: decode result: %w", name, err)
	}
	return &out, nil
}
