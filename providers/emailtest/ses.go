package emailtest

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// SESLocalBinary is the aws-ses-v2-local command, and SESLocalInstall how
// to install it.
const (
	SESLocalBinary  = "aws-ses-v2-local"
	SESLocalInstall = "npm install -g aws-ses-v2-local@2.10.2"
)

// sesAccount is what GetAccount answers (the server reads it from
// AWS_SES_ACCOUNT).
const sesAccount = `{"DedicatedIpAutoWarmupEnabled":false,"Details":{"AdditionalContactEmailAddresses":[],` +
	`"ContactLanguage":"EN","MailType":"TRANSACTIONAL","ReviewDetails":{"CaseId":"1","Status":"GRANTED"},` +
	`"UseCaseDescription":"tests","WebsiteURL":"https://intime.example"},"EnforcementStatus":"HEALTHY",` +
	`"ProductionAccessEnabled":true,"SendingEnabled":true,` +
	`"SendQuota":{"Max24HourSend":50000,"MaxSendRate":14,"SentLast24Hours":0},` +
	`"SuppressionAttributes":{"SuppressedReasons":["BOUNCE","COMPLAINT"]}}`

// SES is a running aws-ses-v2-local: a local SES v2 endpoint driven
// through the real AWS SDK.
type SES struct {
	// URL is the endpoint, for the endpoint setting.
	URL string
}

// SESEmail is a message the server stored.
type SESEmail struct {
	MessageID   string   `json:"messageId"`
	From        string   `json:"from"`
	ReplyTo     []string `json:"replyTo"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
}

var listening = regexp.MustCompile(`server running at http://[^:]+:(\d+)`)

// findSESLocal looks for the binary on PATH, then in the module's
// .cache/npm (npm install --prefix .cache/npm).
func findSESLocal() string {
	if p, err := exec.LookPath(SESLocalBinary); err == nil {
		return p
	}
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		p := filepath.Join(dir, ".cache", "npm", "node_modules", ".bin", SESLocalBinary)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
	}
	return ""
}

// StartSES starts aws-ses-v2-local on a free port of 127.0.0.1; the test's
// cleanup stops it. Without the binary the test skips, naming what to
// install (fails under INTIME_REQUIRE_ALL=1).
func StartSES(t testing.TB) *SES {
	t.Helper()
	bin := findSESLocal()
	if bin == "" {
		skipOrFail(t, "emailtest: "+SESLocalBinary+" is not installed: "+SESLocalInstall)
	}
	cmd := exec.Command(bin, "--host", "127.0.0.1", "--port", "0")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_SES_ACCOUNT=" + sesAccount}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	port := make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				port <- m[1]
			}
		}
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-drained
		_ = cmd.Wait()
	})
	select {
	case p := <-port:
		return &SES{URL: "http://127.0.0.1:" + p}
	case <-drained:
		t.Fatal("emailtest: " + SESLocalBinary + " exited before listening")
	case <-time.After(60 * time.Second):
		t.Fatal("emailtest: " + SESLocalBinary + " did not start within 60s")
	}
	return nil
}

// Emails returns the messages the server stored (GET /store).
func (s *SES) Emails(t testing.TB) []SESEmail {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/store", nil)
	require.NoError(t, err)
	req.Close = true // no idle connection left behind
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var store struct {
		Emails []SESEmail `json:"emails"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&store))
	return store.Emails
}
