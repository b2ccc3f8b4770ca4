// Package carrier is the benefits carrier provider (UC-ADMIN-007 §2.2,
// "Benefits: BCBS, Delta Dental, VSP"): enrolment files in ANSI X12 834
// (benefit enrollment and maintenance, 005010X220A1) delivered to the
// carrier's SFTP server with key authentication and a pinned host key
// (package sftpdrop). It implements [providers.Provider] and is also a
// plugin binary, cmd/intime-provider-carrier.
//
// # One provider, three carriers
//
// The carriers take the same transaction set over the same transport; what
// differs is data, so they are presets ([Carriers]) chosen by the
// [FieldCarrier] select field, as the SMTP provider's presets are: the
// payer's name in loop 1000B, the insurance line code (HD03: HLT for BCBS,
// DEN for Delta Dental, VIS for VSP) and the file name. What each carrier
// assigns at onboarding (receiver ID, SFTP account, host key, plan codes,
// group numbers) is settings and payload. Hosts name each instance after
// its carrier, so messages read "VSP is currently unavailable".
//
// # Settings
//
// [Fields]: the carrier; the SFTP fields of package sftpdrop (host, port,
// user name, private key and passphrase, pinned host key, upload folder);
// [FieldSenderID] and [FieldReceiverID] (ISA06/ISA08 and GS02/GS03, 1 to
// 15 letters or digits, qualifier ZZ); the employer's name and FEIN
// (loop 1000A); optionally the carrier's FEIN (loop 1000B; without it the
// payer is identified by the receiver ID, qualifier 94); and [FieldUsage],
// Test (ISA15 "T", the default) or Production ("P").
//
// # Operations
//
// [OpSend] renders an [EnrollmentFile] and uploads it, returning a
// [Delivery]; [OpRender] returns the [Rendered] file without sending it,
// for review or a manual upload. Hosts call them with [Send] and [Render].
// Payload errors name the field ("members[1].birthDate must be a date
// YYYY-MM-DD") and are [providers.KindInvalidInput]; text holding an X12
// delimiter (* ~ ^ :) is refused, not altered. Transport errors are those
// of package sftpdrop.
//
// # The 834 file
//
// One interchange of one functional group (GS01 "BE") of one transaction
// set, with the delimiters * (element), ^ (repetition), : (component) and
// ~ (segment), no line breaks, text in upper case, dates CCYYMMDD:
//
//	ISA  00, 10 blanks, 00, 10 blanks, ZZ, sender ID, ZZ, receiver ID
//	     (padded to 15), YYMMDD, HHMM, ^, 00501, control number (9 digits),
//	     0 (no TA1 requested), T or P, :
//	GS   BE, sender ID, receiver ID, CCYYMMDD, HHMM, control number, X,
//	     005010X220A1
//	ST   834, 0001, 005010X220A1
//	BGN  00 (original), referenceId, CCYYMMDD, HHMM, -, -, -, 2 (changes)
//	     or RX (fullFile: replace)
//	REF  38, policyNumber                          (if set)
//	QTY  TO, number of members
//	N1   P5, employer name, FI, employer FEIN      (loop 1000A, sponsor)
//	N1   IN, carrier name, FI, carrier FEIN         (loop 1000B, payer;
//	     or 94, receiver ID)
//	then for each member, subscriber first, then their dependents:
//	INS  Y (subscriber) or N, relationship (18 self, 01 spouse, 19 child,
//	     53 domestic partner, G8 other), maintenance type (021 add,
//	     001 change, 024 terminate, 025 reinstate, 030 audit), reason
//	     (28, AI, 07, 41, XN by action unless given), A (active), -, -,
//	     employment status (subscriber only, FT unless given)
//	REF  0F, subscriberId                           (loop 2000)
//	REF  1L, groupNumber                            (if set)
//	DTP  336, D8, hireDate                          (if set)
//	NM1  IL, 1, last, first, middle, -, -, 34, SSN  (loop 2100A; 34 and
//	     the SSN only if given)
//	PER  IP, -, TE, phone digits, EM, email         (if either is set)
//	N3   address line 1, line 2                     (if an address is set;
//	N4   city, state, ZIP                            required for subscribers)
//	DMG  D8, birth date, gender (M, F, U)
//	and for each coverage (loop 2300):
//	HD   maintenance type, -, HLT/DEN/VIS, planCode, coverage level
//	DTP  348, D8, start
//	DTP  349, D8, end                               (if set)
//	SE   segments from ST to SE, 0001
//	GE   1, control number
//	IEA  1, control number (9 digits)
//
// The file is named 834_<carrier code>_<sender ID>_<control number>.edi.
//
// # Control numbers and retries
//
// The interchange control number is [sftpdrop.FileNumber] of
// [EnrollmentFile.ControlNumber]: that number if set, else one derived
// from the operation's idempotency key, so a retry renders the same name,
// else the clock's milliseconds, which a host sending several files a
// second should avoid by supplying numbers. Since the name carries the control
// number, a retry whose earlier upload did arrive finds the file: if it is
// the same interchange but for its timestamps (ISA09/10, GS04/05,
// BGN03/04), the delivery succeeds with [Delivery.AlreadyDelivered] and
// nothing is written; another file under the same number is refused.
//
// # Connection test
//
// [Provider.Check] is [sftpdrop.Client.Check]: DNS, TCP, the SSH handshake
// against the pinned host key, then key authentication and the upload
// folder. It writes nothing.
package carrier
