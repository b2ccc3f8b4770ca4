// Package everify is the E-Verify (USCIS) provider: case creation and case
// status for an employee, through the E-Verify Web Services REST API.
//
// # Source, and what is modelled
//
// USCIS gives the Web Services specification, the Interface Control
// Agreement (ICA), only to employers and employer agents enrolled for Web
// Services, together with the environment URLs and credentials; it is not
// published. This package models ICA version 31's REST interface as
// public material describes it: e-verify.gov's release notes (ICA v30
// draft cases, duplicate case check before a case number is given, cases
// closed automatically on Employment Authorized) and integrations of
// ICA v31 published by third parties, which agree on: OAuth 2.0 client
// credentials at a token endpoint, bearer tokens, JSON in snake_case;
// POST /cases creates a draft ({"case_number", "case_status": "DRAFT"}),
// POST /cases/{case_number}/submit submits it, GET /cases/{case_number}
// reads it; a case's fields (first_name, last_name, date_of_birth, ssn,
// citizenship_status_code, document_a_type_code or document_b_type_code and
// document_c_type_code, us_passport_number, expiration_date, date_of_hire,
// case_creator_name, case_creator_email_address,
// case_creator_phone_number, duplicate_continue_reason, ...); and its state
// (case_status, case_status_display, case_eligibility_statement such as
// EMPLOYMENT_AUTHORIZED, TENTATIVE_NONCONFIRMATION or
// CLOSE_CASE_AND_RESUBMIT, ssa_referral_status, dhs_referral_status). The
// error body, {"message", "errors": [{"field", "message"}]}, is this
// package's assumption. Codes it does not know pass through unchanged in
// [Case.Status] and [Case.EligibilityStatement], with [Case.Result]
// "pending". An enrolled employer should check the field names against its
// ICA; the tests run against a local server built from this model.
//
// # Settings
//
// [FieldBaseURL] and [FieldTokenURL] (from the ICA; https only, except to a
// loopback address), [FieldClientID], [FieldClientSecret] and the case
// creator's contact ([FieldCaseCreatorName], [FieldCaseCreatorEmail],
// [FieldCaseCreatorPhone]) are required; [FieldCompanyID] is for employer
// agents. One token source is kept per set of credentials (as package
// paychex does), and a 401 from the API fetches a new token once.
//
// # Operations
//
// [Provider.Do] runs, JSON in and JSON out:
//
//   - [OpCaseCreate]: [CaseCreateParams] in, [Case] out ([CaseCreate]):
//     validates the Form I-9 data (names, dates, a well-formed SSN, the
//     citizenship status, a List A document or List B and C documents),
//     creates the draft and, unless Draft is set, submits it;
//   - [OpCaseGet]: [CaseGetParams] in, [Case] out ([CaseGet]).
//
// [Case.Result] normalises the outcome: [ResultAuthorized],
// [ResultTNC] (the employee must be notified and may take action),
// [ResultFNC], [ResultResubmit], [ResultPending], [ResultDraft],
// [ResultClosed].
//
// Answers are classified with the providers error kinds: refused client
// credentials and 401 and 403 are [providers.KindAuth], 429 is
// [providers.KindRateLimited] with the Retry-After wait, 5xx is
// [providers.KindRetryable] ("E-Verify is currently unavailable"), other 4xx
// (409 duplicate case, 422 invalid data, 404 unknown case) are
// [providers.KindInvalidInput] with E-Verify's messages. The employee's SSN
// is removed from any message and, like the rest of the employee's data,
// never logged.
//
// # Connection test
//
// [Provider.Check] runs DNS, TCP and TLS against the API's host, then
// requests a token without the cache. It creates no case.
//
// # Plugin
//
// The command intime-provider-everify serves the provider as a plugin.
package everify
