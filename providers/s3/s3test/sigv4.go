package s3test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The constants of AWS Signature Version 4.
const (
	sigAlgorithm    = "AWS4-HMAC-SHA256"
	amzDateLayout   = "20060102T150405Z"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	maxSkew         = 15 * time.Minute
	maxPresign      = 7 * 24 * time.Hour
)

// s3Error is an S3 error answer: the status and the XML body's Code and
// Message.
type s3Error struct {
	Status  int
	Code    string
	Message string
}

// signed is what a request's signature claims.
type signed struct {
	accessKey, date, region, service string
	headers                          []string
	signature                        string
	amzDate                          time.Time
	payloadHash                      string
	// query is the canonical query; presigned requests leave out
	// X-Amz-Signature.
	query url.Values
	// expires is a presigned URL's lifetime, zero for header auth.
	expires time.Duration
}

// parseAuth reads the signature from the Authorization header or, for a
// presigned URL, from the query.
func parseAuth(r *http.Request) (*signed, *s3Error) {
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") != "" {
		return parsePresigned(q)
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, &s3Error{http.StatusForbidden, "AccessDenied", "Anonymous access is forbidden for this operation"}
	}
	rest, ok := strings.CutPrefix(h, sigAlgorithm+" ")
	if !ok {
		return nil, &s3Error{http.StatusBadRequest, "InvalidArgument", "Unsupported Authorization Type"}
	}
	s := &signed{query: q, payloadHash: r.Header.Get("X-Amz-Content-Sha256")}
	var cred string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			s.headers = strings.Split(v, ";")
		case "Signature":
			s.signature = v
		}
	}
	if err := s.parseCredential(cred); err != nil {
		return nil, err
	}
	return s, s.parseDate(r.Header.Get("X-Amz-Date"))
}

func parsePresigned(q url.Values) (*signed, *s3Error) {
	if q.Get("X-Amz-Algorithm") != sigAlgorithm {
		return nil, &s3Error{http.StatusBadRequest, "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""}
	}
	s := &signed{signature: q.Get("X-Amz-Signature"), headers: strings.Split(q.Get("X-Amz-SignedHeaders"), ";"),
		payloadHash: unsignedPayload}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || secs < 1 || time.Duration(secs)*time.Second > maxPresign {
		return nil, &s3Error{http.StatusBadRequest, "AuthorizationQueryParametersError",
			"X-Amz-Expires must be a number of seconds from 1 to 604800"}
	}
	s.expires = time.Duration(secs) * time.Second
	s.query = url.Values{}
	for k, v := range q {
		if k != "X-Amz-Signature" {
			s.query[k] = v
		}
	}
	if err := s.parseCredential(q.Get("X-Amz-Credential")); err != nil {
		return nil, err
	}
	return s, s.parseDate(q.Get("X-Amz-Date"))
}

func (s *signed) parseCredential(cred string) *s3Error {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || s.signature == "" || len(s.headers) == 0 {
		return &s3Error{http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed"}
	}
	s.accessKey, s.date, s.region, s.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

func (s *signed) parseDate(v string) *s3Error {
	t, err := time.Parse(amzDateLayout, v)
	if err != nil || t.Format("20060102") != s.date {
		return &s3Error{http.StatusForbidden, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"}
	}
	s.amzDate = t
	return nil
}

// verify checks the signature with secret, the request's time against now,
// and a signed payload's hash against body.
func (s *signed) verify(r *http.Request, body []byte, secret, region string, now time.Time) *s3Error {
	if s.region != region || s.service != "s3" {
		return &s3Error{http.StatusBadRequest, "AuthorizationHeaderMalformed",
			"The authorization header is malformed; the region '" + s.region + "' is wrong; expecting '" + region + "'"}
	}
	want := signature(secret, s, canonicalRequest(r, s))
	if !hmac.Equal([]byte(want), []byte(s.signature)) {
		return &s3Error{http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	if s.expires > 0 {
		if now.After(s.amzDate.Add(s.expires)) {
			return &s3Error{http.StatusForbidden, "AccessDenied", "Request has expired"}
		}
	} else if d := now.Sub(s.amzDate); d > maxSkew || d < -maxSkew {
		return &s3Error{http.StatusForbidden, "RequestTimeTooSkewed",
			"The difference between the request time and the current time is too large."}
	}
	if len(s.payloadHash) == 64 {
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != s.payloadHash {
			return &s3Error{http.StatusBadRequest, "XAmzContentSHA256Mismatch",
				"The provided 'x-amz-content-sha256' header does not match what was computed."}
		}
	}
	return nil
}

// canonicalRequest builds the canonical request of Signature Version 4 as
// S3 does: the path as sent (S3 does not normalise it), the sorted query,
// the signed headers and the payload hash.
func canonicalRequest(r *http.Request, s *signed) string {
	path, _, _ := strings.Cut(r.RequestURI, "?")
	if path == "" {
		path = "/"
	}
	var b strings.Builder
	b.WriteString(r.Method + "\n" + path + "\n" + canonicalQuery(s.query) + "\n")
	for _, h := range s.headers {
		b.WriteString(h + ":" + headerValue(r, h) + "\n")
	}
	b.WriteString("\n" + strings.Join(s.headers, ";") + "\n" + s.payloadHash)
	return b.String()
}

func headerValue(r *http.Request, name string) string {
	if name == "host" {
		return r.Host
	}
	vals := r.Header.Values(name)
	if name == "content-length" && len(vals) == 0 && r.ContentLength >= 0 {
		vals = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

func canonicalQuery(q url.Values) string {
	pairs := make([]string, 0, len(q))
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k)+"="+uriEncode(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode encodes every byte but the unreserved characters, as Signature
// Version 4 requires.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}

func signature(secret string, s *signed, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	scope := s.date + "/" + s.region + "/" + s.service + "/aws4_request"
	toSign := sigAlgorithm + "\n" + s.amzDate.Format(amzDateLayout) + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+secret), s.date)
	for _, part := range []string{s.region, s.service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// readBody reads the request's body and puts it back for the next handler.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}
