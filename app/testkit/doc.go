// Package testkit holds the test helpers shared by the packages of Registrar (app, app/mail,
// cmd/registrar): a loopback SMTP inbox and a reader for the emails it receives, a movable
// clock, an HTML form reader (a page's fields and CSRF token as a browser would send them), a
// browser tab (headless Chromium with axe-core), and the one text assertion, WantText.
//
// It imports no package of Registrar, so app's own tests can use it without a cycle; helpers
// that need a Server or a store stay in the test files of their package (app: helpers_test.go
// and forms_test.go).
package testkit
