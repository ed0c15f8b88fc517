#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs missing system packages, builds, and runs `swift test`.
# Integration tests start their own throwaway PostgreSQL (and TDS sandbox) on 127.0.0.1 and remove them afterwards.
# Set DBHOST/DBPORT/DBUSER/DBPASSWORD/DBNAME/SSLMODE to run the PostgreSQL tests against an existing server instead.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
# The code is formatted to .swift-format (scripts/format.sh formats it); a finding fails the run before the build.
bash scripts/format.sh --lint
swift build --build-tests
# One test at a time: on a 2-core machine the whole suite takes as long serially as in parallel (its time is in a few
# large tests), and a serial run keeps timing-sensitive paths (cancel, pool waits) away from starvation by the other
# tests. The tests are parallel-safe: plain `swift test` runs them in parallel.
swift test --skip-build --no-parallel "$@"
# The DocC catalogs build without a warning (about a minute); skipped when the run is filtered.
if [ $# -eq 0 ]; then
    bash scripts/docs.sh
fi
