package storage

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJSONBProblem(t *testing.T) {
	t.Parallel()
	for doc, refused := range map[string]bool{
		`{"a":[1,2.5,-3e2,"x\"y\\u0000"]}`: false,
		`"\ud83d\ude00"`:                   false,
		`1e131071`:                         false,
		`1e-16383`:                         false,
		`0e999999`:                         false,
		`"\u0000"`:                         true,
		`"\ud83d"`:                         true,
		`"\ude00"`:                         true,
		`"\ud83d\u0041"`:                   true,
		`1e131072`:                         true,
		`1.0e-16383`:                       true,
		`0e-16384`:                         true,
		`0e1073741823`:                     true,
		`[1e99999999999999999999999]`:      true,
	} {
		require.Equal(t, refused, jsonbProblem([]byte(doc)) != "", doc)
	}
}

// FuzzJSONBProblem: any valid JSON is judged without a panic, and the
// judgement of a document does not depend on the space around it.
func FuzzJSONBProblem(f *testing.F) {
	for _, s := range []string{`{"a":"\ud800\udc00","n":-1.5e-3}`, `"\\"`, `[0e-16383,1E+2]`, `"\u0000"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid([]byte(s)) {
			return
		}
		p := jsonbProblem([]byte(s))
		if q := jsonbProblem([]byte(" [ " + s + " ] ")); (p == "") != (q == "") {
			t.Fatalf("%q: %q alone, %q in an array", s, p, q)
		}
	})
}
