// Package ses is the Amazon SES email provider, on the AWS SDK for Go v2
// (sesv2). It implements [providers.Provider] and is also a plugin binary,
// cmd/intime-provider-ses.
//
// # Configuration
//
// Region, access key ID and secret access key come from the settings of
// each call ([Fields]), never from the host's environment, shared AWS
// files or instance metadata: the client is built from the settings alone
// with static credentials. The endpoint setting overrides the region's
// endpoint (a VPC endpoint, or aws-ses-v2-local in tests). The SDK's own
// retries are off: the host's retry policy and failover group decide.
//
// # Calls
//
// [Provider.Do] implements [email.OpSend] with SendEmail and simple content
// (subject, text and HTML bodies, custom headers, Cc, Bcc, Reply-To); the
// message's ID travels as the message tag [TagMessageID]. Errors are
// classified by SES's error codes: authentication codes are
// [providers.KindAuth], throttling [providers.KindRateLimited], rejected
// messages and bad requests [providers.KindInvalidInput], 5xx and network
// failures retryable. [Provider.Check] runs DNS, TCP and TLS against the
// endpoint, then GetAccount, a read-only authenticated call.
//
// SES publishes bounces and complaints through SNS, whose signed
// notifications this provider does not handle yet: it has no webhook
// capability.
package ses
