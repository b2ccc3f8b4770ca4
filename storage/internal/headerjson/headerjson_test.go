package headerjson

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMarshalDecodesLikeEncodingJSON(t *testing.T) {
	cases := []http.Header{
		{},
		{"Content-Type": {"application/json"}, "X-Intime-Signature": {"sha256=ab", "sha256=cd"}},
		{"A": {"quote\" back\\slash", "tab\tnl\ncr\r", "ctl\x01\x1f", "<html>&amp;"}},
		{"Utf8": {"héllo – 世界 🎉"}, "Bad": {"a\xffb\xc3"}},
		{"Empty": {}, "Nil": nil, "Blank": {""}},
	}
	for _, h := range cases {
		got := Marshal(h)
		require.True(t, json.Valid(got), "%q", got)
		want, err := json.Marshal(withoutNUL(h))
		require.NoError(t, err)
		var a, b any
		require.NoError(t, json.Unmarshal(got, &a))
		require.NoError(t, json.Unmarshal(want, &b))
		require.Equal(t, b, a, "%q", got)
	}
	require.Nil(t, Marshal(nil))
}

func TestMarshalSortsNames(t *testing.T) {
	got := string(Marshal(http.Header{"B": {"2"}, "A": {"1"}, "C": {"3"}}))
	require.Equal(t, `{"A":["1"],"B":["2"],"C":["3"]}`, got)
}

// TestMarshalNUL: a NUL byte becomes U+FFFD, as invalid UTF-8 does, and
// never \u0000, which PostgreSQL's jsonb refuses.
func TestMarshalNUL(t *testing.T) {
	got := string(Marshal(http.Header{"X": {"a\x00b"}}))
	require.Equal(t, `{"X":["a\ufffdb"]}`, got)
}

// withoutNUL is h with every NUL byte replaced by U+FFFD, as Marshal
// writes it.
func withoutNUL(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		if vs == nil {
			out[strings.ReplaceAll(k, "\x00", "\uFFFD")] = nil
			continue
		}
		for _, v := range vs {
			k2 := strings.ReplaceAll(k, "\x00", "\uFFFD")
			out[k2] = append(out[k2], strings.ReplaceAll(v, "\x00", "\uFFFD"))
		}
		if len(vs) == 0 {
			out[strings.ReplaceAll(k, "\x00", "\uFFFD")] = []string{}
		}
	}
	return out
}

// FuzzMarshal checks that every header comes out as valid JSON that
// decodes to what encoding/json's encoding of it (NUL bytes aside) decodes
// to.
func FuzzMarshal(f *testing.F) {
	f.Add("X-Name", "value", "second")
	f.Add("", "\x00\"\\", "\xff\xfe")
	f.Add("K\u2028", "\u2029<>&", "\ud7ff")
	f.Fuzz(func(t *testing.T, name, v1, v2 string) {
		h := http.Header{name: {v1, v2}, strings.ToUpper(name) + "2": {v2}}
		got := Marshal(h)
		if !json.Valid(got) {
			t.Fatalf("invalid JSON %q", got)
		}
		want, err := json.Marshal(withoutNUL(h))
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string][]string
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(want, &b); err != nil {
			t.Fatal(err)
		}
		require.Equal(t, b, a)
	})
}

func BenchmarkMarshal(b *testing.B) {
	h := http.Header{"User-Agent": {"InTime-Webhooks/1.0"}, "Webhook-Id": {"msg_01a22453-ae4a-77d3-9520-b07e560947f1"},
		"Content-Type": {"application/json"}, "X-Intime-Event": {"job.created"}, "X-Intime-Attempt": {"1"},
		"Webhook-Signature": {"v1,XQMYdGmdxF4XK2XvvHj3N57wxsTM5MzTadCrEFgq+C0="}, "Webhook-Timestamp": {"1795905797"},
		"X-Intime-Delivery":  {"01a22453-ae4a-77d3-9520-b07e560947f1"},
		"X-Intime-Signature": {"sha256=2e8cbd2beb52bd4a829f483c9852b75660cb2071d74781246fb5035aa329b5e2"}}
	b.Run("headerjson", func(b *testing.B) {
		for b.Loop() {
			Marshal(h)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(h)
		}
	})
}
