package smtp_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/providers/smtp"
)

func TestMain(m *testing.M) {
	providers.ServeSelf(map[string]providers.Provider{"smtp": smtp.New(nil)})
	goleak.VerifyTestMain(m)
}
