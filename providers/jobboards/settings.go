package jobboards

import (
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/intimeos/integrations/providers"
)

// The boards.
const (
	Indeed   = "indeed"
	Dice     = "dice"
	LinkedIn = "linkedin"
)

// Boards are the boards a feed is served for, in display order.
var Boards = []string{Indeed, Dice, LinkedIn}

// The settings keys.
const (
	// FieldBoards is the comma-separated boards to publish to (required).
	FieldBoards = "boards"
	// FieldFeedDir is the directory where the jobs are kept (required):
	// the provider writes it (in its own process when run as a plugin) and
	// the host's [FeedHandler] reads it, so both must see the same
	// directory.
	FieldFeedDir = "feedDir"
	// FieldFeedURL is the public URL where the host mounts [FeedHandler]
	// (required); the boards fetch {feedUrl}/{board}.xml.
	FieldFeedURL = "feedUrl"
	// FieldPublisher is the publisher's name, and the default company of a
	// job (required).
	FieldPublisher = "publisher"
	// FieldPublisherURL is the publisher's web site (required).
	FieldPublisherURL = "publisherUrl"
	// FieldLinkedInCompanyID is the company's LinkedIn ID, for LinkedIn's
	// feed (optional, digits).
	FieldLinkedInCompanyID = "linkedinCompanyId"
)

// The settings' validation messages.
const (
	msgBoardsEmpty   = "Please select at least one job board"
	msgBoardsInvalid = "Job boards must be among indeed, dice and linkedin"
	msgDirEmpty      = "Feed directory is required"
	msgDirInvalid    = "Please enter an absolute directory path"
	msgFeedURLEmpty  = "Feed URL is required"
	msgPublisher     = "Publisher name is required"
	msgPublisherURL  = "Publisher URL is required"
	msgURL           = "Please enter a valid URL"
	msgLinkedInID    = "LinkedIn company ID must be digits"
)

func fields() []providers.Field {
	return []providers.Field{
		{Name: FieldBoards, Label: "Job Boards", Type: providers.FieldText, Required: true, MaxLength: 100,
			Placeholder: "indeed,dice,linkedin", Pattern: `(indeed|dice|linkedin)(\s*,\s*(indeed|dice|linkedin))*`,
			Messages: providers.FieldMessages{Empty: msgBoardsEmpty, Invalid: msgBoardsInvalid, TooLong: msgBoardsInvalid}},
		{Name: FieldFeedDir, Label: "Feed Directory", Type: providers.FieldText, Required: true, MaxLength: 1000,
			Placeholder: "/var/lib/intime/job-feeds", Messages: providers.FieldMessages{Empty: msgDirEmpty, Invalid: msgDirInvalid}},
		{Name: FieldFeedURL, Label: "Public Feed URL", Type: providers.FieldURL, Required: true, MaxLength: 500,
			Placeholder: "https://app.example.com/jobs/feeds",
			Messages:    providers.FieldMessages{Empty: msgFeedURLEmpty, Invalid: msgURL, TooLong: msgURL}},
		{Name: FieldPublisher, Label: "Publisher", Type: providers.FieldText, Required: true, MaxLength: 200,
			Placeholder: "InTime Staffing", Messages: providers.FieldMessages{Empty: msgPublisher}},
		{Name: FieldPublisherURL, Label: "Publisher URL", Type: providers.FieldURL, Required: true, MaxLength: 500,
			Placeholder: "https://www.example.com", Messages: providers.FieldMessages{Empty: msgPublisherURL, Invalid: msgURL, TooLong: msgURL}},
		{Name: FieldLinkedInCompanyID, Label: "LinkedIn Company ID", Type: providers.FieldText, MaxLength: 20,
			Pattern: `[0-9]+`, Messages: providers.FieldMessages{Invalid: msgLinkedInID, TooLong: msgLinkedInID}},
	}
}

// settings are parsed, valid settings.
type settings struct {
	boards            []string
	dir               string
	feedURL           *url.URL
	publisher, pubURL string
	linkedinID        string
}

// parseSettings validates s and returns its values, or a
// *providers.ValidationError.
func parseSettings(s providers.Settings) (*settings, error) {
	if err := providers.ValidateSettings(fields(), s); err != nil {
		return nil, err
	}
	st := &settings{dir: filepath.Clean(strings.TrimSpace(s[FieldFeedDir])), publisher: strings.TrimSpace(s[FieldPublisher]),
		pubURL: strings.TrimSpace(s[FieldPublisherURL]), linkedinID: strings.TrimSpace(s[FieldLinkedInCompanyID])}
	for _, b := range strings.Split(s[FieldBoards], ",") {
		if b = strings.TrimSpace(b); !slices.Contains(st.boards, b) {
			st.boards = append(st.boards, b)
		}
	}
	var ve providers.ValidationError
	if !filepath.IsAbs(st.dir) {
		ve.Fields = append(ve.Fields, providers.FieldError{Field: FieldFeedDir, Message: msgDirInvalid})
	}
	var err error
	if st.feedURL, err = url.Parse(strings.TrimRight(strings.TrimSpace(s[FieldFeedURL]), "/")); err != nil || st.feedURL.User != nil {
		ve.Fields = append(ve.Fields, providers.FieldError{Field: FieldFeedURL, Message: msgURL})
	}
	if len(ve.Fields) > 0 {
		return nil, &ve
	}
	return st, nil
}

// boardURL is where board's feed is served.
func (st *settings) boardURL(board string) string { return st.feedURL.String() + "/" + board + ".xml" }
