package jobboards

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/internal/httpapi"
)

// Check implements [providers.Provider]: the boards fetch the feeds, so the
// connection tested is theirs to the public feed URL: DNS, TCP and TLS
// against its host, then, as the last stage, that the feed directory can
// be written and that {feedUrl}/{board}.xml answers 200 with this
// integration's feed (a <source> whose publisher is the integration's),
// which proves the host mounted [FeedHandler] there.
func (p *Provider) Check(ctx context.Context, s providers.Settings) (*providers.CheckResult, error) {
	st, err := parseSettings(s)
	if err != nil {
		return nil, err
	}
	return httpapi.Check(ctx, st.feedURL, p.c.Now, func() error {
		if err := writable(st.dir); err != nil {
			return storeError(err)
		}
		return p.fetchFeed(ctx, st, st.boards[0])
	}), nil
}

// writable creates and removes a file in the feed directory.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("jobboards: the feed directory cannot be created: %w", err)
	}
	f, err := os.CreateTemp(dir, ".check-*")
	if err != nil {
		return fmt.Errorf("jobboards: the feed directory is not writable: %w", err)
	}
	f.Close()
	return os.Remove(f.Name())
}

var errNotOurFeed = errors.New("jobboards: the feed URL does not serve this integration's feed")

func (p *Provider) fetchFeed(ctx context.Context, st *settings, board string) error {
	resp, err := p.c.Do(ctx, &httpapi.Request{Method: http.MethodGet, URL: st.boardURL(board),
		Header: http.Header{"Accept": {"application/xml"}}})
	if err != nil {
		return err
	}
	var src struct {
		XMLName   xml.Name
		Publisher string `xml:"publisher"`
	}
	if err := xml.NewDecoder(bytes.NewReader(resp.Body)).Decode(&src); err != nil || src.XMLName.Local != "source" ||
		src.Publisher != st.publisher {
		return providers.NewError(providers.KindPermanent, errNotOurFeed)
	}
	return nil
}
