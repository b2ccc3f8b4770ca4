package smtp

import (
	"context"
	"errors"
	"fmt"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

var (
	errInvalidPEM  = errors.New("smtp: invalid PEM certificate")
	errNoStartTLS  = errors.New("smtp: server does not offer STARTTLS on port 587")
	errNoAuthMechs = errors.New("smtp: server offers neither AUTH PLAIN nor AUTH LOGIN")
)

// classify turns an error of an SMTP exchange into a *providers.Error. The
// context's end wins over the error it caused (a closed connection).
func classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return providers.AsError(fmt.Errorf("smtp: %w", cerr))
	}
	var se *gosmtp.SMTPError
	if !errors.As(err, &se) {
		return providers.AsError(err) // network, DNS, TLS, timeout: classified by behaviour
	}
	werr := fmt.Errorf("smtp: server replied %d %s", se.Code, se.Message)
	switch {
	case se.Code == 535 || se.Code == 534 || se.Code == 530 || se.Code == 538:
		return providers.AuthFailed(werr)
	case se.Code == 421 || se.Code == 450 || se.Code == 451 || se.Code == 452 || se.Code == 454:
		return providers.Unavailable(werr, retry.ClassServerError)
	case se.Code == 501 || se.Code == 550 || se.Code == 552 || se.Code == 553 || se.Code == 555:
		return providers.InvalidInput(werr)
	case se.Code >= 400 && se.Code < 500:
		return providers.Unavailable(werr, retry.ClassServerError)
	}
	return providers.NewError(providers.KindPermanent, werr)
}

// stageError is a failed stage's error for [providers.CheckResult.Run]: the
// spec's message for administrators, with the failure's class.
func stageError(err error, provider string) error {
	e := providers.AsError(err)
	return retry.WithClass(errors.New(providers.UserMessage(e, provider)), e.RetryClass())
}
