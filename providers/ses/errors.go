package ses

import (
	"errors"
	"fmt"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

// Error codes of SES and of AWS authentication, by what they mean.
var (
	authCodes = map[string]bool{
		"UnrecognizedClientException": true, "InvalidClientTokenId": true, "SignatureDoesNotMatch": true,
		"AccessDeniedException": true, "AccessDenied": true, "ExpiredToken": true, "ExpiredTokenException": true,
		"IncompleteSignature": true, "MissingAuthenticationToken": true, "InvalidSignatureException": true,
	}
	rateCodes = map[string]bool{
		"TooManyRequestsException": true, "Throttling": true, "ThrottlingException": true, "LimitExceededException": true,
	}
	inputCodes = map[string]bool{
		"BadRequestException": true, "MessageRejected": true, "MailFromDomainNotVerifiedException": true,
		"NotFoundException": true, "InvalidParameterValue": true, "ValidationException": true,
	}
)

// classify turns an SDK error into a *providers.Error: by the API's error
// code, else by HTTP status, else by behaviour (network, timeout, DNS, TLS,
// cancellation).
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		werr := fmt.Errorf("ses: %s: %s", ae.ErrorCode(), ae.ErrorMessage())
		switch code := ae.ErrorCode(); {
		case authCodes[code]:
			return providers.AuthFailed(werr)
		case rateCodes[code]:
			return &providers.Error{Kind: providers.KindRateLimited, Message: werr.Error(), Err: werr}
		case inputCodes[code]:
			return providers.InvalidInput(werr)
		}
		return byStatus(err, werr)
	}
	return providers.AsError(err)
}

func byStatus(err, werr error) error {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		return providers.NewError(providers.KindPermanent, werr)
	}
	switch code := re.HTTPStatusCode(); {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return providers.AuthFailed(werr)
	case code == http.StatusTooManyRequests:
		return &providers.Error{Kind: providers.KindRateLimited, Message: werr.Error(), Err: werr}
	case code >= 500:
		return providers.Unavailable(werr, retry.ClassServerError)
	case code >= 400:
		return providers.InvalidInput(werr)
	}
	return providers.NewError(providers.KindPermanent, werr)
}
