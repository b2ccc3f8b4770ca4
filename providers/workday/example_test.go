package workday_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/bamboohr"
	"github.com/intimeos/integrations/providers/workday"
)

// A host reads the employee directory through the HRIS operations, the
// same call whether BambooHR or Workday serves the integration. The server
// here stands in for the tenant's Workday REST API.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"total":1,"data":[{"id":"3aa5550b7fe348b98d7b5741afc65534","descriptor":"Logan McNeil",`+
			`"businessTitle":"Chief Human Resources Officer","primaryWorkEmail":"lmcneil@acme.example",`+
			`"primarySupervisoryOrganization":{"id":"2b9dd606a65442768420d425f580a1c6","descriptor":"Human Resources"}}]}`)
	}))
	defer srv.Close()
	p := workday.New(nil)
	defer p.Close()
	settings := providers.Settings{workday.FieldHost: "wd2-impl-services1.workday.com", workday.FieldTenant: "acme",
		workday.FieldBaseURL: srv.URL, providers.SettingAccessToken: "token-from-the-host's-oauth-connection"}
	inst := providers.NewInstance(workday.DisplayName, p, settings, nil)

	d, err := bamboohr.EmployeesDirectory(context.Background(), inst)
	if err != nil {
		panic(err)
	}
	e := d.Employees[0]
	fmt.Println(e.DisplayName, "|", e.JobTitle, "|", e.Department)
	// Output:
	// Logan McNeil | Chief Human Resources Officer | Human Resources
}
