package webhook_test

import "strings"

func stringsRepeat(s string, n int) string { return strings.Repeat(s, n) }
