#!/usr/bin/env bash
# Replication lag under the submission load (issue 13's target: an acknowledged application is in
# the replica within 2 s). Runs Registrar (REGISTRAR_LITESTREAM=1, demo data, fresh data folder)
# beside the real `litestream replicate` with deploy/litestream.yml and a file replica, and a
# `litestream restore -f` that follows the replica as a standby would. Applicants apply with a CV
# for LAG_DURATION; each application's lag is from its success page to the moment the follower's
# copy, read every 50 ms, holds it (so the figure includes up to about 100 ms of the follower's
# own polling).
#
#   scripts/replication_lag.sh
#
# Environment: LAG_DURATION (10s), LAG_WORKERS (16 applicants at once), LAG_CV_BYTES (204800).
# The Go test TestReplicationLagUnderLoad (cmd/registrar) does the work; go test skips it
# unless this script runs it.
set -euo pipefail

cd "$(dirname "$0")/.."
make --no-print-directory litestream
REGISTRAR_LAG_RUN=1 go test -v -tags sqlite_fts5 -count=1 -timeout 10m \
	-run '^TestReplicationLagUnderLoad$' ./cmd/registrar/ | grep -E '^(replication lag|Litestream took|--- FAIL|FAIL|ok)|_test.go'
