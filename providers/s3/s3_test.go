package s3_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/testkit"
	"github.com/intimeos/integrations/providers/providertest"
	"github.com/intimeos/integrations/providers/s3"
	"github.com/intimeos/integrations/providers/s3/s3test"
)

var resume = []byte("%PDF-1.7\n% Ada Lovelace, résumé\n")

func suite(t *testing.T) *providertest.Suite {
	srv := s3test.New(t, nil)
	good := settings(srv, s3test.AccessKey)
	putResume := op(s3.OpPut, &s3.PutParams{Key: "resumes/ada.pdf", ContentType: "application/pdf", Body: resume})
	return &providertest.Suite{
		Settings: good,
		Calls: []providertest.Call{
			{Name: "put", Op: putResume, Check: func(t *testing.T, r *providers.Result) {
				res := decodeResult[s3.PutResult](t, r)
				require.Equal(t, "resumes/ada.pdf", res.Key)
				require.Equal(t, s3.LocationBucket, res.Location)
				require.Equal(t, int64(len(resume)), res.Size)
				require.NotEmpty(t, res.ETag)
				require.Equal(t, resume, srv.Objects(t, s3test.Bucket)["resumes/ada.pdf"])
			}},
			{Name: "get", Op: op(s3.OpGet, &s3.GetParams{Key: "resumes/ada.pdf"}), Check: func(t *testing.T, r *providers.Result) {
				obj := decodeResult[s3.Object](t, r)
				require.Equal(t, resume, obj.Body)
				require.Equal(t, "application/pdf", obj.ContentType)
				require.Equal(t, s3.LocationBucket, obj.Location)
			}},
			{Name: "presign", Op: op(s3.OpPresign, &s3.PresignParams{Key: "resumes/ada.pdf", FileName: "Ada Lovelace.pdf"}),
				Check: func(t *testing.T, r *providers.Result) {
					u := decodeResult[s3.PresignedURL](t, r)
					body, resp := download(t, u.URL)
					require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
					require.Equal(t, resume, body)
					require.Equal(t, `attachment; filename="Ada Lovelace.pdf"`, resp.Header.Get("Content-Disposition"))
					require.WithinDuration(t, time.Now().Add(s3.DefaultPresignExpiry*time.Second), u.ExpiresAt, time.Minute)
				}},
			{Name: "delete", Op: op(s3.OpDelete, &s3.DeleteParams{Key: "resumes/ada.pdf"}), Check: func(t *testing.T, r *providers.Result) {
				require.NotContains(t, srv.Objects(t, s3test.Bucket), "resumes/ada.pdf")
			}},
			{Name: "reconcile without fallback", Op: &providers.Operation{Name: s3.OpReconcile},
				Check: func(t *testing.T, r *providers.Result) {
					require.Empty(t, decodeResult[s3.ReconcileResult](t, r).Uploaded)
				}},
		},
		Failures: []providertest.Failure{
			{Name: "unknown access key", Settings: with(good, s3.FieldAccessKeyID, "AKIANOBODY"), Op: putResume,
				Kind: providers.KindAuth},
			{Name: "wrong secret", Settings: with(good, s3.FieldSecretAccessKey, "not-the-secret"), Op: putResume,
				Kind: providers.KindAuth},
			{Name: "access denied", Settings: settings(srv, s3test.AccessKeyDenied), Op: putResume, Kind: providers.KindAuth},
			{Name: "slow down 503", Settings: settings(srv, s3test.AccessKeySlowDown), Op: putResume,
				Kind: providers.KindRateLimited},
			{Name: "too many 429", Settings: settings(srv, s3test.AccessKeyTooMany), Op: putResume,
				Kind: providers.KindRateLimited, RetryAfter: 7 * time.Second},
			{Name: "unavailable 503", Settings: settings(srv, s3test.AccessKeyDown), Op: putResume,
				Kind: providers.KindRetryable},
			{Name: "wrong region", Settings: with(good, s3.FieldRegion, "eu-west-1"), Op: putResume,
				Kind: providers.KindInvalidInput},
			{Name: "no such bucket", Settings: with(good, s3.FieldBucket, "no-such-bucket"), Op: putResume,
				Kind: providers.KindInvalidInput},
			{Name: "no such key", Op: op(s3.OpGet, &s3.GetParams{Key: "resumes/nobody.pdf"}), Kind: providers.KindInvalidInput},
			{Name: "no key", Op: op(s3.OpPut, &s3.PutParams{Body: resume}), Kind: providers.KindInvalidInput},
			{Name: "control character in key", Op: op(s3.OpPut, &s3.PutParams{Key: "a\nb", Body: resume}),
				Kind: providers.KindInvalidInput},
			{Name: "too large", Op: op(s3.OpPut, &s3.PutParams{Key: "big", Body: make([]byte, s3.MaxObjectSize+1)}),
				Kind: providers.KindInvalidInput},
			{Name: "expiry out of range", Op: op(s3.OpPresign, &s3.PresignParams{Key: "k", ExpiresIn: 30}),
				Kind: providers.KindInvalidInput},
			{Name: "bad payload", Op: &providers.Operation{Name: s3.OpPut, Payload: []byte(`[`)},
				Kind: providers.KindInvalidInput},
		},
	}
}

// TestConformance is the must-show: the provider passes providertest in
// process and as a plugin (this test binary re-executed), against a real
// S3-compatible server that checks Signature Version 4.
func TestConformance(t *testing.T) {
	t.Parallel()
	testkit.Conformance(t, testkit.Closing(t, s3.New(nil)), plugin, suite)
}

func download(t *testing.T, u string) ([]byte, *http.Response) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return body, resp
}

// TestPresignedURL checks that the server really verifies the URL: a
// tampered one and an expired one are refused, as S3 refuses them.
func TestPresignedURL(t *testing.T) {
	t.Parallel()
	var skew time.Duration
	srv, p := setup(t, &s3test.Config{Now: func() time.Time { return time.Now().Add(skew) }})
	s := settings(srv, s3test.AccessKey)
	_, err := p.Do(t.Context(), s, op(s3.OpPut, &s3.PutParams{Key: "offer letter.pdf", Body: resume}))
	require.NoError(t, err)
	res, err := p.Do(t.Context(), s, op(s3.OpPresign, &s3.PresignParams{Key: "offer letter.pdf", ExpiresIn: 60}))
	require.NoError(t, err)
	u := decodeResult[s3.PresignedURL](t, res)
	require.NotContains(t, u.URL, s3test.SecretKey)

	body, resp := download(t, u.URL)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Equal(t, resume, body)

	body, resp = download(t, strings.Replace(u.URL, "offer%20letter", "offer%20letteR", 1))
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(body), "<Code>SignatureDoesNotMatch</Code>")

	skew = 2 * time.Minute // the server's clock is past the URL's 60 seconds
	body, resp = download(t, u.URL)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(body), "Request has expired")
}

// TestErrorMessages checks the spec's wording (§16) and the Retry-After
// wait, in process and through the plugin boundary, and that no secret
// reaches an error.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	srv, p := setup(t, nil)
	plug := plugin(t)
	put := op(s3.OpPut, &s3.PutParams{Key: "k", Body: []byte("x")})
	cases := []testkit.MessageCase{
		{"auth", settings(srv, s3test.AccessKeyDenied), put, "Authentication failed. Please check credentials.", 0},
		{"retry after", settings(srv, s3test.AccessKeyTooMany), put, "Rate limit exceeded. Retry in 7 seconds.", 7 * time.Second},
		{"slow down", settings(srv, s3test.AccessKeySlowDown), put, "Rate limit exceeded. Retry in 1 seconds.", 0},
		{"down", settings(srv, s3test.AccessKeyDown), put, "AWS S3 is currently unavailable", 0},
	}
	for name, prov := range map[string]providers.Provider{"in process": p, "plugin": plug} {
		t.Run(name, func(t *testing.T) { testkit.UserMessages(t, prov, s3.DisplayName, cases, s3test.SecretKey) })
	}
	closed := s3test.New(t, nil)
	closed.Stop()
	_, err := p.Do(t.Context(), settings(closed, s3test.AccessKey), put)
	require.Equal(t, "Connection to AWS S3 timed out", providers.UserMessage(err, s3.DisplayName))
	require.Equal(t, providers.KindRetryable, providers.KindOf(err))
}

func TestCheck(t *testing.T) {
	t.Parallel()
	srv, p := setup(t, nil)
	res, err := p.Check(t.Context(), settings(srv, s3test.AccessKey))
	require.NoError(t, err)
	require.True(t, res.OK(), "%+v", res.Stages)
	require.Equal(t, []providers.StageName{providers.StageDNS, providers.StageTCP, providers.StageTLS, providers.StageAuth},
		stageNames(res))
	require.Equal(t, providers.StageSkipped, res.Stages[2].Status, "plain http to loopback has no TLS stage")

	res, err = p.Check(t.Context(), with(settings(srv, s3test.AccessKey), s3.FieldSecretAccessKey, "wrong"))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)

	res, err = p.Check(t.Context(), with(settings(srv, s3test.AccessKey), s3.FieldBucket, "missing-bucket"))
	require.NoError(t, err)
	require.Equal(t, providers.StageAuth, res.Failed().Name)

	closed := s3test.New(t, nil)
	closed.Stop()
	res, err = p.Check(t.Context(), settings(closed, s3test.AccessKey))
	require.NoError(t, err)
	require.Equal(t, providers.StageTCP, res.Failed().Name)
	require.Equal(t, providers.StageSkipped, res.Stages[3].Status)

	_, err = p.Check(t.Context(), providers.Settings{})
	require.Equal(t, providers.KindInvalidInput, providers.KindOf(err))
}

func stageNames(r *providers.CheckResult) []providers.StageName {
	var names []providers.StageName
	for _, s := range r.Stages {
		names = append(names, s.Name)
	}
	return names
}

// TestLargestObject moves a file of MaxObjectSize bytes through the
// plugin boundary both ways: the limit fits the plugin's message size.
func TestLargestObject(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, nil)
	plug := plugin(t)
	body := bytes.Repeat([]byte("0123456789abcdef"), s3.MaxObjectSize/16)
	s := settings(srv, s3test.AccessKey)
	_, err := plug.Do(t.Context(), s, op(s3.OpPut, &s3.PutParams{Key: "big.bin", Body: body}))
	require.NoError(t, err)
	res, err := plug.Do(t.Context(), s, op(s3.OpGet, &s3.GetParams{Key: "big.bin"}))
	require.NoError(t, err)
	require.Equal(t, body, decodeResult[s3.Object](t, res).Body)
}

// TestKeyPrefix stores under the prefix and answers with the caller's key.
func TestKeyPrefix(t *testing.T) {
	t.Parallel()
	srv, p := setup(t, nil)
	s := with(settings(srv, s3test.AccessKey), s3.FieldKeyPrefix, "org-7/")
	res, err := s3.Put(t.Context(), providers.NewInstance("s3", p, s, nil), &s3.PutParams{Key: "a.txt", Body: []byte("a")})
	require.NoError(t, err)
	require.Equal(t, "a.txt", res.Key)
	require.Equal(t, map[string][]byte{"org-7/a.txt": []byte("a")}, srv.Objects(t, s3test.Bucket))
}

// TestVirtualHostedStyle sends requests to bucket.localhost, as AWS's
// default URL style does; the test's dialer routes that name to the
// server, which checks the signature over the virtual host.
func TestVirtualHostedStyle(t *testing.T) {
	t.Parallel()
	srv := s3test.New(t, &s3test.Config{HostBucketBase: "localhost"})
	_, port, err := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	var hosts sync.Map
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		hosts.Store(addr, true)
		var d net.Dialer
		return d.DialContext(ctx, network, strings.TrimPrefix(srv.URL, "http://"))
	}}
	t.Cleanup(tr.CloseIdleConnections)
	p := s3.New(&s3.Config{HTTPClient: &http.Client{Transport: tr}})
	s := with(settings(srv, s3test.AccessKey), s3.FieldEndpoint, "http://localhost:"+port,
		s3.FieldURLStyle, s3.URLStyleVirtualHosted)
	_, err = p.Do(t.Context(), s, op(s3.OpPut, &s3.PutParams{Key: "v.txt", Body: []byte("virtual")}))
	require.NoError(t, err)
	_, ok := hosts.Load(s3test.Bucket + ".localhost:" + port)
	require.True(t, ok, "the request went to the bucket's virtual host")
	require.Equal(t, []byte("virtual"), srv.Objects(t, s3test.Bucket)["v.txt"])
}
