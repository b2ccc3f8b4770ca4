// Package snstest plays Amazon SNS for tests of SES's bounce and complaint
// handling: an HTTPS server that serves a signing certificate, signs
// messages with its key as SNS does (SignatureVersion 1 or 2), and records
// the subscription confirmations it is asked for.
//
// Its Host pattern and Client go into ses.Config (SNSHost, SNSClient), so
// that the provider fetches the test's certificate; the provider's
// defaults accept only sns.<region>.amazonaws.com.
package snstest
