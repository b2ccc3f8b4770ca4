// Package integration is the SDK's entry point for a host application: the
// [Manager], which owns the catalog of integration types (UC-ADMIN-007 §2),
// configuring integrations, the call path of every provider call, health
// checks and the dashboard's figures.
package integration
