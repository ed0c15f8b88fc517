#!/usr/bin/env bash
# Runs the quickstart sample on a fresh machine: installs missing system packages, builds, and runs the Azure
# PostgreSQL quickstart's CRUD flow through DBCore. With DBHOST etc. unset it starts a throwaway PostgreSQL itself.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build --product quickstart
swift run --skip-build quickstart "$@"
