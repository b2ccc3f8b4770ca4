// Package recordkeeper is the 401(k) provider (UC-ADMIN-007 §2.2, "401k:
// Fidelity / Vanguard"): each payroll's contribution file, in the layout
// documented below, delivered to the recordkeeper's SFTP server with key
// authentication and a pinned host key (package sftpdrop). It implements
// [providers.Provider] and is also a plugin binary,
// cmd/intime-provider-recordkeeper.
//
// # One provider, two recordkeepers
//
// Recordkeepers publish their own contribution formats only to plan
// sponsors; what they accept from a payroll provider is a documented
// layout, which they map to the plan at onboarding. This package's layout
// is that document. Fidelity and Vanguard are presets ([Recordkeepers]) of
// the [FieldRecordkeeper] select field: they name the file and the
// instance ("Fidelity is currently unavailable"); the plan number, the
// SFTP account and the pinned host key are settings.
//
// # Settings
//
// [Fields]: the recordkeeper; the SFTP fields of package sftpdrop;
// [FieldPlanNumber] (1 to 20 letters, digits or hyphens); the employer's
// name and FEIN.
//
// # Operations
//
// [OpSend] renders a [ContributionFile] and uploads it, returning a
// [Delivery]; [OpRender] returns the [Rendered] file without sending it.
// Hosts call them with [Send] and [Render]. Payload errors name the field
// ("contributions[1].ssn must be nine digits") and are
// [providers.KindInvalidInput]. Transport errors are those of package
// sftpdrop.
//
// # The contribution file layout (INTIME-401K-1)
//
// CSV as RFC 4180 defines it: UTF-8 without a byte order mark, fields
// separated by commas, a field quoted with double quotes (and inner
// quotes doubled) when it holds a comma, a quote or a line break, records
// ended by CRLF. Dates are YYYYMMDD; amounts are dollars with exactly two
// decimals, no sign, no thousands separator, no currency symbol
// ("1234.56"); an empty field is an absent value. Three record types, in
// this order:
//
// Header, exactly one, first:
//
//	1  record type       "H"
//	2  layout version    "INTIME-401K-1"
//	3  plan number       the planNumber setting
//	4  employer name     the sponsorName setting
//	5  employer FEIN     nine digits
//	6  payroll date      the pay date of the contributions
//	7  file ID           1 to 999999999, unique per plan (see below)
//	8  created at        YYYYMMDDHHMMSS, UTC
//
// Detail, one per employee (an SSN at most once per file):
//
//	1  record type       "D"
//	2  SSN               nine digits
//	3  employee ID       the employer's ID
//	4  last name
//	5  first name
//	6  birth date
//	7  hire date
//	8  termination date  empty unless the employee left
//	9  plan compensation of the period
//	10 pre-tax deferral  (employee, source EE)
//	11 Roth deferral     (employee)
//	12 employer match
//	13 loan repayment
//	14 hours worked in the period, two decimals
//
// Trailer, exactly one, last:
//
//	1  record type       "T"
//	2  detail count      the number of detail records
//	3  total of detail field 9 (compensation)
//	4  total of detail field 10 (pre-tax)
//	5  total of detail field 11 (Roth)
//	6  total of detail field 12 (match)
//	7  total of detail field 13 (loan repayments)
//
// The file is named 401k_<recordkeeper code>_<plan number>_<payroll
// date>_<file ID, nine digits>.csv.
//
// # File IDs and retries
//
// The file ID is [ContributionFile.FileID] if set; else it is derived
// from the operation's idempotency key, so a retry renders the same name;
// else from the clock's milliseconds. A retry whose earlier upload did
// arrive finds the file: if it differs only in its creation time (header
// field 8), the delivery succeeds with [Delivery.AlreadyDelivered] and
// nothing is written; another file under the same name is refused.
//
// # Connection test
//
// [Provider.Check] is [sftpdrop.Client.Check]: DNS, TCP, the SSH handshake
// against the pinned host key, then key authentication and the upload
// folder. It writes nothing.
package recordkeeper
