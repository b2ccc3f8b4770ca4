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
// # Bounces and complaints through Amazon SNS
//
// SES publishes bounces, complaints and (through a configuration set)
// deliveries, opens and clicks to SNS topics; an HTTPS subscription of such
// a topic posts them to the host (package integration/inbound routes them
// to [Provider.HandleWebhook]). The provider has the webhook capability:
//
//   - only topics listed in the snsTopicArn setting are accepted: any AWS
//     account can sign messages of its own topics, so a valid signature
//     alone says nothing about whose messages they are;
//   - the signature is verified before anything else in the message is
//     used: SignatureVersion 1 (SHA1withRSA) or 2 (SHA256withRSA) over the
//     canonical string AWS documents for the message's type
//     ([SNSMessage.StringToSign]), with the certificate at SigningCertURL,
//     fetched only from https://sns.<region>.amazonaws.com/...pem
//     ([DefaultSNSHost]; Config.SNSHost overrides it in tests), without
//     following redirects, and cached (Config.SNSCertTTL, never past the
//     certificate's NotAfter);
//   - a message older than Config.SNSMaxAge (1 hour, SNS's longest retry)
//     is refused as a replay;
//   - a SubscriptionConfirmation is confirmed by fetching its SubscribeURL,
//     again only on an SNS host; a Notification's SES events are normalised
//     to the email event types SendGrid's are ([EventTypes]), with the same
//     payload fields ([EventData]): one event per recipient, its ID the SNS
//     message ID and the recipient, so SNS's redeliveries are recognised.
//
// Raw message delivery must be off on the subscription: a raw message
// carries no signature and is refused.
package ses
