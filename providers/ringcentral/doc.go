// Package ringcentral is the RingCentral provider of the phone integration
// (UC-ADMIN-007 §2.3 "Phone: VoIP calling", §11), which also serves SMS: it
// sends text messages and places RingOut calls through the RingCentral REST
// API v1.0 with the organization's OAuth connection.
//
// # Source
//
// Modelled on RingCentral's public REST API v1.0 reference
// (https://platform.ringcentral.com/restapi/v1.0): Create SMS Message (POST
// /account/~/extension/~/sms with from, to and text, answering the message
// with its messageStatus), Make RingOut Call (POST .../ring-out with from,
// to, callerId and playPrompt), Get RingOut Call Status (GET
// .../ring-out/{ringoutId}), Cancel RingOut Call (DELETE, 204), Get
// Extension (GET .../extension/~); OAuth 2.0 bearer tokens; and the error
// body {"errorCode", "message", "errors": [{"errorCode", "message",
// "parameterName"}]} with its codes (OAU-213, CMN-101, CMN-102, CMN-301,
// CMN-408, MSG-304). The tests run against a local server that answers as
// that reference documents.
//
// # OAuth
//
// The provider declares [providers.CapabilityOAuth] and holds no
// credentials: the host passes the connection's access token with each
// call under [providers.SettingAccessToken], and keeps the refresh token
// and the OAuth app in its oauth connection (a Custom OAuth 2.0 provider:
// RingCentral's /restapi/oauth/authorize and /restapi/oauth/token). A 401
// is a [providers.KindAuth] error: the host then refreshes the token once
// and calls once more.
//
// # Settings
//
// [FieldPhoneNumber] (E.164, the extension's number: SMS sender and caller
// ID), [FieldRingOutFrom] (E.164, the phone rung first) and
// [FieldBaseURL] (https only, except to a loopback address).
//
// # Operations
//
// [Provider.Do] runs sms.OpSend (hosts call sms.Send), [OpCall],
// [OpCallGet] and [OpCallCancel] (hosts call [CallPlace], [CallGet] and
// [CallCancel]). RingCentral refuses texts over 1000 characters
// (KindInvalidInput), fewer than package sms allows.
//
// Errors: 401 and 403 (CMN-408, the app lacks a permission) are
// [providers.KindAuth] ("Authentication failed. Please check
// credentials."); 429 is [providers.KindRateLimited] with the Retry-After
// wait; 5xx is [providers.KindRetryable] ("RingCentral is currently
// unavailable"); other 4xx are [providers.KindInvalidInput] with
// RingCentral's message and code. The token never appears in errors or log
// records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the platform
// and authenticates by reading the connected extension.
//
// # Plugin
//
// The command intime-provider-ringcentral serves the provider as a plugin.
package ringcentral
