package s3_test

import (
	"context"
	"fmt"
	"os"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/s3"
)

// While S3 cannot be reached, a provider with a fallback folder keeps the
// file on local disk and says so; reads find it there, and Reconcile moves
// it to the bucket once S3 is back.
func Example_fallback() {
	dir, err := os.MkdirTemp("", "s3-fallback")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	p := s3.New(nil)
	defer p.Close()
	inst := providers.NewInstance(s3.DisplayName, p, providers.Settings{
		s3.FieldBucket:          "intime-documents",
		s3.FieldAccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
		s3.FieldSecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		s3.FieldEndpoint:        "http://127.0.0.1:1", // nothing listens here: S3 is "down"
		s3.FieldFallbackDir:     dir,
	}, nil)
	ctx := context.Background()

	res, err := s3.Put(ctx, inst, &s3.PutParams{Key: "resumes/ada.pdf", Body: []byte("%PDF-1.7 ...")})
	fmt.Println(res.Location, res.Size, err)
	obj, err := s3.Get(ctx, inst, "resumes/ada.pdf")
	fmt.Println(obj.Location, string(obj.Body), err)
	_, err = s3.Reconcile(ctx, inst)
	fmt.Println(providers.UserMessage(err, s3.DisplayName))
	// Output:
	// fallback 12 <nil>
	// fallback %PDF-1.7 ... <nil>
	// Connection to AWS S3 timed out
}
