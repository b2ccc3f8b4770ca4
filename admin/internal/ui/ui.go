// Package ui holds the admin dashboard's templates and static files,
// embedded so that the dashboard needs no build step, no CDN and no
// network: one template per page (templates/*.tmpl), the shared layout
// and partials, one stylesheet and one script (static/).
package ui

import "embed"

// Templates are the page templates, layout.tmpl and partials.tmpl.
//
//go:embed templates/*.tmpl
var Templates embed.FS

// Static are the files served under /static/.
//
//go:embed static
var Static embed.FS
