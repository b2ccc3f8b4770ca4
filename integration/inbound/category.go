package inbound

import (
	"fmt"
	"slices"
)

// Category is one of the event checkboxes of an email integration's
// webhook (UC-ADMIN-007 §4: "Events: ☑ Bounces ☑ Spam Reports ☑
// Unsubscribes ☑ Delivered ☑ Opens ☑ Clicks"). An unchecked category's
// events are acknowledged to the provider and dropped: not stored, logged,
// counted or republished. Events of no category (SMS statuses, background
// checks, email.processed and email.deferred, SNS subscription messages)
// are always kept.
type Category string

// The categories, in the form's order.
const (
	CategoryBounces      Category = "bounces"
	CategorySpamReports  Category = "spam_reports"
	CategoryUnsubscribes Category = "unsubscribes"
	CategoryDelivered    Category = "delivered"
	CategoryOpens        Category = "opens"
	CategoryClicks       Category = "clicks"
)

// Categories returns every category in the form's order: the default of a
// new endpoint (all checked, as §4 shows them).
func Categories() []Category {
	return []Category{CategoryBounces, CategorySpamReports, CategoryUnsubscribes, CategoryDelivered,
		CategoryOpens, CategoryClicks}
}

// Label is the checkbox's label: "Spam Reports".
func (c Category) Label() string {
	switch c {
	case CategoryBounces:
		return "Bounces"
	case CategorySpamReports:
		return "Spam Reports"
	case CategoryUnsubscribes:
		return "Unsubscribes"
	case CategoryDelivered:
		return "Delivered"
	case CategoryOpens:
		return "Opens"
	case CategoryClicks:
		return "Clicks"
	}
	return string(c)
}

// categoryOf maps the normalised email event types to their checkbox.
var categoryOf = map[string]Category{
	"email.bounced":      CategoryBounces,
	"email.dropped":      CategoryBounces,
	"email.complained":   CategorySpamReports,
	"email.unsubscribed": CategoryUnsubscribes,
	"email.delivered":    CategoryDelivered,
	"email.opened":       CategoryOpens,
	"email.clicked":      CategoryClicks,
}

// CategoryOf returns the checkbox that governs an event type, if any.
func CategoryOf(eventType string) (Category, bool) {
	c, ok := categoryOf[eventType]
	return c, ok
}

// checkCategories refuses an unknown category.
func checkCategories(cs []Category) error {
	for _, c := range cs {
		if !slices.Contains(Categories(), c) {
			return fmt.Errorf("inbound: unknown event category %q; want one of %v", c, Categories())
		}
	}
	return nil
}

// kept reports whether an event of type typ passes the checked categories.
func kept(typ string, checked []string) bool {
	c, ok := CategoryOf(typ)
	return !ok || slices.Contains(checked, string(c))
}
