package integration

import (
	"fmt"
	"slices"
	"sync"
)

// Category groups the catalog's integration types as UC-ADMIN-007 §2 does.
type Category string

// The categories of §2, and one for types that only a provider names.
const (
	CategoryCore          Category = "core"
	CategoryHRPayroll     Category = "hr_payroll"
	CategoryCommunication Category = "communication"
	CategoryDeveloper     Category = "developer"
	CategoryOther         Category = "other"
)

// Title returns the category's heading: "Core Business Integrations".
func (c Category) Title() string {
	switch c {
	case CategoryCore:
		return "Core Business Integrations"
	case CategoryHRPayroll:
		return "HR & Payroll Integrations"
	case CategoryCommunication:
		return "Communication Integrations"
	case CategoryDeveloper:
		return "Developer Integrations"
	}
	return "Other Integrations"
}

// Availability is a type's status in the spec's catalog: part of the
// product (Active) or an add-on (Optional).
type Availability string

// The availabilities of §2.
const (
	Active   Availability = "active"
	Optional Availability = "optional"
)

// The integration types of UC-ADMIN-007 §2: the keys stored in
// integrations.type.
const (
	TypeEmail            = "email"
	TypeCalendar         = "calendar"
	TypeDocumentStorage  = "document_storage"
	TypeBackgroundChecks = "background_checks"
	TypeJobBoards        = "job_boards"
	TypeHRIS             = "hris"
	TypePayroll          = "payroll"
	TypeBenefits         = "benefits"
	TypeRetirement       = "retirement_401k"
	TypeEVerify          = "e_verify"
	TypeSMS              = "sms"
	TypeVideo            = "video"
	TypeSlack            = "slack"
	TypePhone            = "phone"
	TypeAPIAccess        = "api_access"
	TypeWebhooks         = "webhooks"
	TypeZapier           = "zapier"
	TypeSSO              = "sso"
)

// ProviderInternal is the provider of the types the SDK serves itself:
// webhooks (package webhook), API access (package apiaccess) and Zapier
// (package apiaccess/zapier).
const ProviderInternal = "internal"

// Lengths of the columns integrations.type and integrations.name.
const (
	maxTypeLen = 50
	maxNameLen = 100
)

// NoProviderInstalled is what the catalog shows for a type that no
// installed provider serves.
const NoProviderInstalled = "No provider installed"

// Entry is one integration type of the catalog.
type Entry struct {
	// Key is the type as stored: "email".
	Key string
	// Name is shown to administrators: "Email (SMTP)".
	Name     string
	Purpose  string
	Category Category
	// Availability is Active or Optional, as §2 lists it.
	Availability Availability
	// Vendors are the services §2 names for the type ("Google Calendar",
	// "Outlook"), whether or not a provider for them is installed.
	Vendors []string
	// Providers are the names of the providers mapped to the type, in
	// order of preference: the SDK's own, then the host's
	// ([Catalog.AddProvider]). A provider whose Info lists the type serves
	// it without being mapped.
	Providers []string
}

// Catalog is the list of integration types a [Manager] offers, as data:
// the 18 types of UC-ADMIN-007 §2 in their four categories with the
// providers the SDK ships mapped to them ([DefaultCatalog]), plus what the
// host adds. [Manager.Catalog] joins it with the providers actually
// installed. A Catalog is safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex
	entries []Entry
}

// DefaultCatalog returns a new catalog of the 18 types of §2, with the
// providers the SDK ships mapped to them (each of its packages
// providers/<name>): email to sendgrid, ses and smtp; calendar to google
// and microsoft; document storage to s3; background checks to checkr; job
// boards to jobboards (Indeed, Dice and LinkedIn feeds) and linkedin; HRIS
// to bamboohr and workday; payroll to adp and paychex; benefits to carrier;
// 401k to recordkeeper; E-Verify to everify; SMS to twilio and ringcentral;
// video to zoom and microsoft; Slack to slack; phone to ringcentral; SSO to
// oidc; webhooks, API access and Zapier to the SDK itself
// ([ProviderInternal]: packages webhook, apiaccess and apiaccess/zapier).
func DefaultCatalog() *Catalog {
	return &Catalog{entries: []Entry{
		{TypeEmail, "Email (SMTP)", "Transactional emails", CategoryCore, Active, []string{"SendGrid"},
			[]string{"sendgrid", "ses", "smtp"}},
		{TypeCalendar, "Calendar", "Meeting scheduling", CategoryCore, Active, []string{"Google Calendar", "Outlook"},
			[]string{"google", "microsoft"}},
		{TypeDocumentStorage, "Document Storage", "Resume/file storage", CategoryCore, Active, []string{"AWS S3"},
			[]string{"s3"}},
		{TypeBackgroundChecks, "Background Checks", "Employment verification", CategoryCore, Active,
			[]string{"Checkr"}, []string{"checkr"}},
		{TypeJobBoards, "Job Boards", "Job posting", CategoryCore, Active, []string{"Indeed", "LinkedIn", "Dice"},
			[]string{"jobboards", "linkedin"}},
		{TypeHRIS, "HRIS", "Employee data sync", CategoryHRPayroll, Active, []string{"BambooHR", "Workday"},
			[]string{"bamboohr", "workday"}},
		{TypePayroll, "Payroll", "Salary/benefits", CategoryHRPayroll, Active, []string{"ADP", "Paychex"},
			[]string{"adp", "paychex"}},
		{TypeBenefits, "Benefits", "Insurance carriers", CategoryHRPayroll, Active,
			[]string{"BCBS", "Delta Dental", "VSP"}, []string{"carrier"}},
		{TypeRetirement, "401k", "Retirement", CategoryHRPayroll, Active, []string{"Fidelity", "Vanguard"},
			[]string{"recordkeeper"}},
		{TypeEVerify, "E-Verify", "Work authorization", CategoryHRPayroll, Active, []string{"USCIS"}, []string{"everify"}},
		{TypeSMS, "SMS", "Text messaging", CategoryCommunication, Active, []string{"Twilio"},
			[]string{"twilio", "ringcentral"}},
		{TypeVideo, "Video", "Interviews", CategoryCommunication, Active, []string{"Zoom", "Teams"},
			[]string{"zoom", "microsoft"}},
		{TypeSlack, "Slack", "Team communication", CategoryCommunication, Optional, []string{"Slack"}, []string{"slack"}},
		{TypePhone, "Phone", "VoIP calling", CategoryCommunication, Optional, []string{"RingCentral"},
			[]string{"ringcentral"}},
		{TypeAPIAccess, "API Access", "External apps", CategoryDeveloper, Active, []string{"InTime API"},
			[]string{ProviderInternal}},
		{TypeWebhooks, "Webhooks", "Event notifications", CategoryDeveloper, Active, []string{"InTime Webhooks"},
			[]string{ProviderInternal}},
		{TypeZapier, "Zapier", "No-code automation", CategoryDeveloper, Active, []string{"Zapier"},
			[]string{ProviderInternal}},
		{TypeSSO, "SSO", "Single Sign-On", CategoryDeveloper, Optional, []string{"Okta", "Auth0"}, []string{"oidc"}},
	}}
}

// Entries returns a copy of the catalog's entries in order.
func (c *Catalog) Entries() []Entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Entry, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.clone()
	}
	return out
}

// Entry returns a copy of the entry of a type.
func (c *Catalog) Entry(key string) (Entry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if i := c.index(key); i >= 0 {
		return c.entries[i].clone(), true
	}
	return Entry{}, false
}

// AddEntry adds a type the spec does not list (a host's own, such as
// "crm"). A key already in the catalog is an error.
func (c *Catalog) AddEntry(e Entry) error {
	if e.Key == "" || len(e.Key) > maxTypeLen {
		return fmt.Errorf("integration: a catalog key must have 1 to %d characters", maxTypeLen)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index(e.Key) >= 0 {
		return fmt.Errorf("integration: type %q is already in the catalog", e.Key)
	}
	if e.Name == "" {
		e.Name = e.Key
	}
	if e.Category == "" {
		e.Category = CategoryOther
	}
	if e.Availability == "" {
		e.Availability = Optional
	}
	c.entries = append(c.entries, e.clone())
	return nil
}

// AddProvider maps a provider to a type, after the providers already
// mapped to it; mapping it twice changes nothing. An unknown type is
// added to the catalog under [CategoryOther].
func (c *Catalog) AddProvider(typ, provider string) error {
	if typ == "" || provider == "" {
		return fmt.Errorf("integration: AddProvider needs a type and a provider")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ensureLocked(typ)
	e := &c.entries[c.index(typ)]
	if !slices.Contains(e.Providers, provider) {
		e.Providers = append(e.Providers, provider)
	}
	return nil
}

// ensureLocked adds an entry for a type only a provider names.
func (c *Catalog) ensureLocked(typ string) {
	if c.index(typ) < 0 {
		c.entries = append(c.entries, Entry{Key: typ, Name: typ, Category: CategoryOther, Availability: Optional})
	}
}

func (c *Catalog) index(key string) int {
	return slices.IndexFunc(c.entries, func(e Entry) bool { return e.Key == key })
}

func (e Entry) clone() Entry {
	e.Vendors = slices.Clone(e.Vendors)
	e.Providers = slices.Clone(e.Providers)
	return e
}
