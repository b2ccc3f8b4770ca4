// Package emailtest runs the peers that the email providers' tests talk
// to: a real SMTP server in process ([StartSMTP], go-smtp with TLS, a test
// CA and AUTH PLAIN/LOGIN), the aws-ses-v2-local server as a subprocess
// ([StartSES]) and a local server reproducing SendGrid's documented Web API
// v3 and Event Webhook ([StartSendGrid]), plus [ParseMessage] to read a
// received message back.
//
// Peers that need something installed skip the test with a message naming
// it, unless INTIME_REQUIRE_ALL=1, which turns the skip into a failure.
package emailtest
