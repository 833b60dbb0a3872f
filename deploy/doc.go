// Package deploy is the server recipe: systemd units for Registrar and its replication, the
// settings they read and the Caddyfile that serves it over HTTPS. Its tests check the units
// with systemd-analyze; app/deploy_caddy_test.go runs the Caddyfile.
package deploy
