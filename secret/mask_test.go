package secret_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/intimeos/integrations/secret"
	"github.com/stretchr/testify/require"
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty stays empty", "", ""},
		{"one char", "a", "••••••••"},
		{"eleven chars", "abcdefghijk", "••••••••"},
		{"twelve chars shows tail", "abcdefghijkl", "••••••••ijkl"},
		{"long is fixed width", strings.Repeat("x", 200) + "abcd", "••••••••abcd"},
		{"api key", "sk_live_51HxYzAbCdEf", "••••••••CdEf"},
		{"multibyte not split", "ééééééééééé€", "••••••••ééé€"},
		{"multibyte short", "€€€€€€€€€€€", "••••••••"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := secret.Mask(tt.in)
			require.Equal(t, tt.want, got)
			require.True(t, utf8.ValidString(got))
		})
	}
}
