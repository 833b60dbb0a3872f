// Package testkit holds the test helpers shared by the packages of Registrar (app, app/mail,
// cmd/registrar): a loopback SMTP inbox, a movable clock, an HTML form reader, a browser tab
// with axe-core, and the one text assertion. It knows nothing of Registrar itself (it imports
// no registrar package, so app's tests can use it without a cycle); helpers that need a Server
// or a store stay in the test files of their package.
package testkit
