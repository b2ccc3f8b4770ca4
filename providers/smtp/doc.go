// Package smtp is the SMTP email provider: Custom SMTP, and the SMTP
// endpoints of SendGrid, AWS SES, Mailgun and Postmark as [Presets]. It
// implements [providers.Provider] and is also a plugin binary,
// cmd/intime-provider-smtp.
//
// # Settings
//
// The form of UC-ADMIN-007 §17, field for field, with its messages word for
// word ([Fields]): provider, smtpHost, smtpPort, smtpUsername, smtpPassword,
// fromEmail, fromName, rateLimitHour; plus an optional smtpRootCA (PEM) for
// relays with a private certificate authority. The hourly limit is enforced
// by the host ([providers.Quota]); the provider only validates it.
//
// # Security
//
// The port decides: 587 upgrades with STARTTLS and refuses a server that
// does not offer it, 465 speaks TLS from the start, 25 is plain text and is
// used only when chosen (its connection test flags it with
// [UnencryptedMessage], and every send logs a warning). Certificates are
// verified against the system roots or smtpRootCA. AUTH PLAIN is preferred,
// AUTH LOGIN used when it is the only one offered.
//
// # Calls
//
// [Provider.Do] implements [email.OpSend] and [OpSendTest] ("Send Test
// Email"). [Provider.Check] tests the connection in stages (DNS, TCP, TLS,
// auth). Every step is bounded by the caller's context and by
// [Config.DialTimeout] and [Config.CommandTimeout]; a context that ends
// closes the connection. Errors are [providers.Error] values: 535 and its
// kin are [providers.KindAuth] ("Authentication failed. Please check
// credentials."), 4xx replies and network failures are retryable, rejected
// addresses are invalid input, certificate problems read "SSL certificate
// verification failed" and timeouts "Connection to [provider] timed out"
// (see [providers.UserMessage]).
package smtp
