// Package filedrop is what the providers that deliver files to a
// counterparty's SFTP server share (carrier: 834 enrolment files;
// recordkeeper: 401(k) contribution files): their two operations, one that
// renders a payload as a file and delivers it with package sftpdrop and
// one that only renders it ([Ops], run by a [Dropper]), their connection
// test, and the check of their settings, whose form holds sftpdrop's
// fields beside their own ([ParseSettings]).
//
// What differs between such providers is the file: how a payload is
// validated, numbered, rendered and named, how a retry recognises the file
// it delivered before, and what the results say. That is [Ops]'s data and
// functions; the flow around it is written here once:
//
//	parse settings → decode the payload → validate it → number the file
//	(sftpdrop.FileNumber) → render it → send: upload it, or render: return it
//
// Payload and validation errors are [providers.KindInvalidInput]; delivery
// errors are sftpdrop's.
package filedrop
