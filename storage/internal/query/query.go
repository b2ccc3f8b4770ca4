// Package query builds the WHERE clauses of list queries for the SQL
// backends, in PostgreSQL ($1) or SQLite (?) placeholder style.
package query

import (
	"strconv"
	"strings"
)

// Style is a placeholder style.
type Style int

// Placeholder styles.
const (
	Dollar   Style = iota // $1, $2, ... (PostgreSQL)
	Question              // ?, ?, ... (SQLite)
)

// Builder accumulates arguments and AND-ed conditions.
type Builder struct {
	style Style
	conds []string
	args  []any
}

// New returns an empty Builder for style.
func New(style Style) *Builder { return &Builder{style: style} }

// Arg adds an argument and returns its placeholder.
func (b *Builder) Arg(v any) string {
	b.args = append(b.args, v)
	if b.style == Question {
		return "?"
	}
	return "$" + strconv.Itoa(len(b.args))
}

// Where adds a condition. Each "?" in cond is replaced by the placeholder of
// the next of args.
func (b *Builder) Where(cond string, args ...any) {
	var sb strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' && i < len(args) {
			sb.WriteString(b.Arg(args[i]))
			i++
			continue
		}
		sb.WriteRune(r)
	}
	b.conds = append(b.conds, sb.String())
}

// In adds "col IN (...)" for a non-empty list; an empty list adds nothing.
func In[T any](b *Builder, col string, vals []T) {
	if len(vals) == 0 {
		return
	}
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = b.Arg(v)
	}
	b.conds = append(b.conds, col+" IN ("+strings.Join(ph, ", ")+")")
}

// SQL returns " WHERE c1 AND c2 ..." or "" when there are no conditions.
func (b *Builder) SQL() string {
	if len(b.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(b.conds, " AND ")
}

// Args returns the arguments in placeholder order.
func (b *Builder) Args() []any { return b.args }
