package s3_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/s3"
	"github.com/intimeos/integrations/providers/s3/s3test"
)

// kept lists the files the fallback folder holds.
func kept(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.s3obj"))
	require.NoError(t, err)
	return m
}

// TestFallback is the §9 must-show: S3 down → uploads go to local disk →
// S3 back → every file is in the bucket once, with the same bytes. It runs
// in process and through the plugin; the bucket is versioned, so a file
// written twice would show two versions.
func TestFallback(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"in process", "plugin"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv, p := setup(t, &s3test.Config{Versioning: true})
			var prov providers.Provider = p
			if mode == "plugin" {
				prov = plugin(t)
			}
			dir := filepath.Join(t.TempDir(), "fallback")
			inst := providers.NewInstance("s3", prov, with(settings(srv, s3test.AccessKey), s3.FieldFallbackDir, dir), nil)
			ctx := t.Context()

			files := map[string][]byte{}
			for i := range 5 {
				files[fmt.Sprintf("resumes/cand-%d.pdf", i)] = []byte(fmt.Sprintf("%%PDF résumé %d %s", i, resume))
			}
			srv.Stop()
			for key, body := range files {
				res, err := s3.Put(ctx, inst, &s3.PutParams{Key: key, ContentType: "application/pdf", Body: body})
				require.NoError(t, err, key)
				require.Equal(t, s3.LocationFallback, res.Location)
				require.Empty(t, res.ETag)
			}
			require.Len(t, kept(t, dir), len(files))

			obj, err := s3.Get(ctx, inst, "resumes/cand-3.pdf")
			require.NoError(t, err)
			require.Equal(t, s3.LocationFallback, obj.Location)
			require.Equal(t, files["resumes/cand-3.pdf"], obj.Body)
			require.Equal(t, "application/pdf", obj.ContentType)

			_, err = s3.Presign(ctx, inst, &s3.PresignParams{Key: "resumes/cand-3.pdf"})
			require.Equal(t, providers.KindRetryable, providers.KindOf(err), "no download URL while the file is local")

			_, err = s3.Reconcile(ctx, inst)
			require.Equal(t, providers.KindRetryable, providers.KindOf(err), "S3 still down")
			require.Len(t, kept(t, dir), len(files), "nothing lost while S3 is down")

			srv.Start(t)
			res, err := s3.Reconcile(ctx, inst)
			require.NoError(t, err)
			require.ElementsMatch(t, keys(files), res.Uploaded)
			require.Empty(t, kept(t, dir))

			again, err := s3.Reconcile(ctx, inst)
			require.NoError(t, err)
			require.Empty(t, again.Uploaded)

			require.Equal(t, files, srv.Objects(t, s3test.Bucket), "every file, same bytes")
			for key, n := range srv.Versions(t, s3test.Bucket) {
				require.Equal(t, 1, n, "%s written once", key)
			}
			obj, err = s3.Get(ctx, inst, "resumes/cand-3.pdf")
			require.NoError(t, err)
			require.Equal(t, s3.LocationBucket, obj.Location)
			require.Equal(t, "application/pdf", obj.ContentType)
		})
	}
}

func keys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestFallbackConcurrent puts files from many goroutines while S3 is down,
// then reconciles from several at once: each file reaches the bucket once.
func TestFallbackConcurrent(t *testing.T) {
	t.Parallel()
	srv, p := setup(t, &s3test.Config{Versioning: true})
	dir := t.TempDir()
	s := with(settings(srv, s3test.AccessKey), s3.FieldFallbackDir, dir)
	inst := providers.NewInstance("s3", p, s, nil)
	// A second provider in the same process shares the folder as a second
	// plugin process would: the folder lock is what keeps them apart.
	p2 := s3.New(nil)
	t.Cleanup(func() { _ = p2.Close() })
	other := providers.NewInstance("s3", p2, s, nil)
	srv.Stop()
	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := s3.Put(t.Context(), inst, &s3.PutParams{Key: fmt.Sprintf("f%02d", i), Body: []byte{byte(i)}})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	srv.Start(t)
	var mu sync.Mutex
	var uploaded []string
	for i := range 4 {
		wg.Go(func() {
			c := inst
			if i%2 == 1 {
				c = other
			}
			res, err := s3.Reconcile(t.Context(), c)
			if !assert.NoError(t, err) {
				return
			}
			mu.Lock()
			uploaded = append(uploaded, res.Uploaded...)
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Len(t, uploaded, n, "each file uploaded by exactly one reconcile")
	objs := srv.Objects(t, s3test.Bucket)
	require.Len(t, objs, n)
	for i := range n {
		require.Equal(t, []byte{byte(i)}, objs[fmt.Sprintf("f%02d", i)])
	}
	for key, v := range srv.Versions(t, s3test.Bucket) {
		require.Equal(t, 1, v, key)
	}
}

// TestFallbackNewerVersionWins: a file written to the folder while S3 was
// down, then written again once S3 is back, ends in the bucket with the
// newer bytes, and a later reconcile does not bring the old ones back.
func TestFallbackNewerVersionWins(t *testing.T) {
	t.Parallel()
	srv, p := setup(t, nil)
	dir := t.TempDir()
	inst := providers.NewInstance("s3", p, with(settings(srv, s3test.AccessKey), s3.FieldFallbackDir, dir), nil)
	srv.Stop()
	_, err := s3.Put(t.Context(), inst, &s3.PutParams{Key: "offer.pdf", Body: []byte("v1")})
	require.NoError(t, err)
	srv.Start(t)
	res, err := s3.Put(t.Context(), inst, &s3.PutParams{Key: "offer.pdf", Body: []byte("v2")})
	require.NoError(t, err)
	require.Equal(t, s3.LocationBucket, res.Location)
	require.Empty(t, kept(t, dir))
	rec, err := s3.Reconcile(t.Context(), inst)
	require.NoError(t, err)
	require.Empty(t, rec.Uploaded)
	require.Equal(t, map[string][]byte{"offer.pdf": []byte("v2")}, srv.Objects(t, s3test.Bucket))
}

// TestFallbackNotForRefusals: S3 refusing the request (credentials,
// throttling) is not S3 being down; nothing goes to the folder.
func TestFallbackNotForRefusals(t *testing.T) {
	t.Parallel()
	srv, p := setup(t, nil)
	dir := t.TempDir()
	for _, key := range []string{s3test.AccessKeyDenied, s3test.AccessKeySlowDown} {
		s := with(settings(srv, key), s3.FieldFallbackDir, dir)
		_, err := p.Do(t.Context(), s, op(s3.OpPut, &s3.PutParams{Key: "k", Body: []byte("x")}))
		require.Error(t, err)
	}
	require.Empty(t, kept(t, dir))
	// 503 ServiceUnavailable is S3 failing: that one is kept.
	s := with(settings(srv, s3test.AccessKeyDown), s3.FieldFallbackDir, dir)
	res, err := p.Do(t.Context(), s, op(s3.OpPut, &s3.PutParams{Key: "k", Body: []byte("x")}))
	require.NoError(t, err)
	require.Equal(t, s3.LocationFallback, decodeResult[s3.PutResult](t, res).Location)
}

// TestFallbackCorruptFile: a kept file whose bytes changed on disk is set
// aside, not uploaded.
func TestFallbackCorruptFile(t *testing.T) {
	t.Parallel()
	srv, p := setup(t, nil)
	dir := t.TempDir()
	inst := providers.NewInstance("s3", p, with(settings(srv, s3test.AccessKey), s3.FieldFallbackDir, dir), nil)
	srv.Stop()
	for _, k := range []string{"good", "bad"} {
		_, err := s3.Put(t.Context(), inst, &s3.PutParams{Key: k, Body: []byte("bytes of " + k)})
		require.NoError(t, err)
	}
	files := kept(t, dir)
	require.Len(t, files, 2)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		if string(b[len(b)-3:]) == "bad" {
			require.NoError(t, os.WriteFile(f, append(b[:len(b)-3], "BAD"...), 0o600))
		}
	}
	srv.Start(t)
	res, err := s3.Reconcile(t.Context(), inst)
	require.NoError(t, err)
	require.Equal(t, []string{"good"}, res.Uploaded)
	require.Equal(t, 1, res.Corrupt)
	require.Equal(t, map[string][]byte{"good": []byte("bytes of good")}, srv.Objects(t, s3test.Bucket))
	corrupt, err := filepath.Glob(filepath.Join(dir, "*.corrupt"))
	require.NoError(t, err)
	require.Len(t, corrupt, 1)
}
