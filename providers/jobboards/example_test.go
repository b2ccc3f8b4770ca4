package jobboards_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/jobboards"
)

// A host mounts the feed handler under the integration's public feed URL;
// jobs added through the provider appear in every board's feed.
func ExampleFeedHandler() {
	dir, _ := os.MkdirTemp("", "feeds")
	defer os.RemoveAll(dir)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	s := providers.Settings{jobboards.FieldBoards: "indeed", jobboards.FieldFeedDir: dir,
		jobboards.FieldFeedURL: srv.URL + "/jobs/feeds", jobboards.FieldPublisher: "InTime Staffing",
		jobboards.FieldPublisherURL: "https://www.intime.example"}
	h, err := jobboards.FeedHandler(s, nil)
	if err != nil {
		panic(err)
	}
	mux.Handle("/jobs/feeds/", http.StripPrefix("/jobs/feeds", h))

	inst := providers.NewInstance(jobboards.DisplayName, jobboards.New(nil), s, nil)
	res, err := jobboards.JobUpsert(context.Background(), inst, &jobboards.Job{ReferenceNumber: "REQ-1",
		Title: "Recruiter", Description: "Full-cycle recruiting.", URL: "https://careers.intime.example/1", City: "Phoenix"})
	fmt.Println(res.Created, err, res.FeedURLs["indeed"] == srv.URL+"/jobs/feeds/indeed.xml")

	resp, err := http.Get(srv.URL + "/jobs/feeds/indeed.xml")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var feed indeedSource
	if err := xml.Unmarshal(body, &feed); err != nil {
		panic(err)
	}
	fmt.Println(resp.Header.Get("Content-Type"), feed.Publisher, feed.Jobs[0].ReferenceNumber, feed.Jobs[0].Title)
	// Output:
	// true <nil> true
	// application/xml; charset=utf-8 InTime Staffing REQ-1 Recruiter
}
