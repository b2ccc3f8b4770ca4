package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/intimeos/integrations/apiaccess"
)

// accessView is the API access screen (§7).
type accessView struct {
	Usage  *APIUsage
	Tokens []*APIToken
	Names  map[string]string
	// OrgHour is the organization's hourly limit now; PerToken the limits
	// the tokens share, when they all have the same.
	OrgHour  *LimitUsage
	PerToken *APIToken
	// Created is a token just made or rotated, shown once.
	Created     *APITokenCreated
	CreatedNote string
	Form        tokenForm
	Graces      []graceOption
}

// tokenForm is the new token form as typed.
type tokenForm struct {
	Name, Scopes, ExpiresDays, PerMinute, PerHour string
	Errors                                        map[string]string
}

type graceOption struct {
	Seconds int
	Label   string
}

// graces are the rotation form's choices of how long the old token keeps
// working.
var graces = []graceOption{{0, "Refuse the old token at once"}, {3600, "Keep the old token for 1 hour"},
	{86400, "Keep the old token for 24 hours"}, {7 * 86400, "Keep the old token for 7 days"}}

// rateWord says how near a limit the current rate is (§7, "well below
// limit").
func rateWord(pct float64) string {
	switch {
	case pct >= 100:
		return "at the limit"
	case pct >= 80:
		return "near the limit"
	case pct >= 50:
		return "below the limit"
	}
	return "well below limit"
}

// accessScreen loads the usage and the tokens.
func (h *Handler) accessScreen(r *http.Request) (*accessView, error) {
	u, err := h.usage(r)
	if err != nil {
		return nil, err
	}
	tokens, err := h.apiTokenList(r, nil)
	if err != nil {
		return nil, err
	}
	v := &accessView{Usage: u, Tokens: tokens, Names: map[string]string{}, Graces: graces, Form: tokenForm{Errors: map[string]string{}}}
	for _, t := range tokens {
		v.Names[t.ID.String()] = t.Name
	}
	for _, l := range u.Limits {
		if l.Limit == apiaccess.LimitOrgHour.String() {
			v.OrgHour = l
		}
	}
	for _, t := range tokens {
		if t.Status != string(apiaccess.TokenActive) {
			continue
		}
		if v.PerToken == nil {
			v.PerToken = t
		} else if v.PerToken.PerHour != t.PerHour || v.PerToken.PerMinute != t.PerMinute {
			v.PerToken = nil
			break
		}
	}
	return v, nil
}

func (h *Handler) showAccess(w http.ResponseWriter, r *http.Request, status int, edit func(*accessView)) {
	v, err := h.accessScreen(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if edit != nil {
		edit(v)
	}
	h.render(w, r, "api_access", status, h.newView(w, r, "api", "API Access & Monitoring", v).at(h, "/api-access"))
}

func (h *Handler) pageAccess(w http.ResponseWriter, r *http.Request) {
	if h.cfg.APIAccess == nil {
		h.pagePlaceholder("api")(w, r)
		return
	}
	h.showAccess(w, r, http.StatusOK, nil)
}

// readTokenForm reads the new token form.
func readTokenForm(r *http.Request, now time.Time) (tokenForm, *TokenInput) {
	f := tokenForm{Name: r.PostFormValue(apiaccess.FieldName), Scopes: r.PostFormValue(apiaccess.FieldScopes),
		ExpiresDays: r.PostFormValue("expiresDays"), PerMinute: r.PostFormValue(apiaccess.FieldPerMinute),
		PerHour: r.PostFormValue(apiaccess.FieldPerHour), Errors: map[string]string{}}
	in := &TokenInput{Name: f.Name}
	for s := range strings.FieldsFuncSeq(f.Scopes, func(c rune) bool { return c == ',' || c == ' ' }) {
		in.Scopes = append(in.Scopes, s)
	}
	num := func(s, field, msg string) int {
		if strings.TrimSpace(s) == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			f.Errors[field] = msg
		}
		return n
	}
	in.PerMinute = num(f.PerMinute, apiaccess.FieldPerMinute, apiaccess.MsgPerMinuteRange)
	in.PerHour = num(f.PerHour, apiaccess.FieldPerHour, apiaccess.MsgPerHourRange)
	switch d := num(f.ExpiresDays, apiaccess.FieldExpiresAt, "Expiry must be a number of days"); {
	case strings.TrimSpace(f.ExpiresDays) == "0":
		in.NoExpiry = true
	case d > 0:
		at := now.Add(time.Duration(d) * 24 * time.Hour)
		in.ExpiresAt = &at
	}
	if strings.TrimSpace(f.ExpiresDays) == "0" {
		delete(f.Errors, apiaccess.FieldExpiresAt)
	}
	return f, in
}

// pageTokenCreate creates a token and shows it once.
func (h *Handler) pageTokenCreate(w http.ResponseWriter, r *http.Request) {
	if err := h.accessOn(); err != nil {
		h.fail(w, r, err)
		return
	}
	f, in := readTokenForm(r, h.now())
	var c *APITokenCreated
	var err error
	if len(f.Errors) == 0 {
		c, err = h.tokenCreate(r, in)
	}
	if err != nil && !formErrors(err, f.Errors) {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.showAccess(w, r, status, func(v *accessView) {
		if c != nil {
			v.Created, v.CreatedNote = c, "New token "+c.Token.Name+": copy it now, it is not shown again."
			return
		}
		v.Form = f
	})
}

// pageTokenRotate rotates a token (ADMIN-INT-014) and shows the new one
// once.
func (h *Handler) pageTokenRotate(w http.ResponseWriter, r *http.Request) {
	t, err := h.tokenOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.confirmed(w, r, "Rotate the token "+t.Name+"? A new token replaces it.", "/api-access") {
		return
	}
	grace, _ := strconv.Atoi(r.PostFormValue(apiaccess.FieldGrace))
	c, err := h.tokenRotate(r, t.ID, time.Duration(grace)*time.Second)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	note := "Token " + t.Name + " rotated; the old one is refused from now on. Copy the new one now, it is not shown again."
	if grace > 0 {
		note = "Token " + t.Name + " rotated; the old one keeps working for the grace period. Copy the new one now, it is not shown again."
	}
	h.showAccess(w, r, http.StatusOK, func(v *accessView) { v.Created, v.CreatedNote = c, note })
}

// pageTokenRevoke refuses a token from now on.
func (h *Handler) pageTokenRevoke(w http.ResponseWriter, r *http.Request) {
	t, err := h.tokenOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.confirmed(w, r, "Revoke the token "+t.Name+"? Every request with it is refused from now on.", "/api-access") {
		return
	}
	if _, err := h.apiTokenRevoke(r, nil); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/api-access", "Token "+t.Name+" revoked.")
}
