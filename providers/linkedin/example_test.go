package linkedin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/jobboards"
	"github.com/intimeos/integrations/providers/linkedin"
)

// A host posts a job to LinkedIn with the access token of its OAuth
// connection, then reads how LinkedIn processed the task. The server here
// stands in for api.linkedin.com.
func ExampleJobCreate() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			fmt.Fprint(w, `{"elements":[{"status":202,"id":"urn:li:simpleJobPostingTask:5c1e-77"}]}`)
			return
		}
		fmt.Fprint(w, `{"results":{"urn:li:simpleJobPostingTask:5c1e-77":{"id":"urn:li:simpleJobPostingTask:5c1e-77",`+
			`"status":"SUCCEEDED","jobPosting":"urn:li:jobPosting:3875912345"}},"errors":{}}`)
	}))
	defer srv.Close()
	p := linkedin.New(nil)
	defer p.Close()
	settings := providers.Settings{linkedin.FieldOrganizationID: "2414183", linkedin.FieldBaseURL: srv.URL,
		providers.SettingAccessToken: "token-from-the-host's-oauth-connection"}
	inst := providers.NewInstance(linkedin.DisplayName, p, settings, nil)

	ctx := context.Background()
	res, err := linkedin.JobCreate(ctx, inst, &jobboards.Job{ReferenceNumber: "REQ-1", Title: "Recruiter",
		Description: strings.Repeat("Full-cycle recruiting for our engineering teams. ", 3),
		URL:         "https://careers.intime.example/1", City: "Phoenix", State: "AZ"})
	fmt.Println(res.TaskID, res.Created, err)
	st, err := linkedin.TaskStatus(ctx, inst, res.TaskID)
	fmt.Println(st.Tasks[0].Status, st.Tasks[0].JobPosting, err)
	// Output:
	// urn:li:simpleJobPostingTask:5c1e-77 true <nil>
	// SUCCEEDED urn:li:jobPosting:3875912345 <nil>
}
