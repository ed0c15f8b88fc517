#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs missing system packages, builds, and runs `swift test`.
# Integration tests start their own throwaway PostgreSQL (and TDS sandbox) on 127.0.0.1 and remove them afterwards.
# Set DBHOST/DBPORT/DBUSER/DBPASSWORD/DBNAME/SSLMODE to run the PostgreSQL tests against an existing server instead.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
