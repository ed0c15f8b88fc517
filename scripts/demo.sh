#!/usr/bin/env bash
# Runs the quickstart sample on a fresh machine: installs missing system packages, builds, and runs the Azure
# quickstarts through DBCore on both backends: PostgreSQL (the inventory CRUD flow), then SQL Server (the same
# inventory code, then the pymssql flow). With DBHOST etc. unset each run starts its own throwaway PostgreSQL
# (and, for SQL Server, the in-process TDS sandbox); with them set both runs go to that server.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build --product quickstart
echo "== quickstart --backend postgres"
swift run --skip-build quickstart --backend postgres "$@"
echo "== quickstart --backend mssql"
swift run --skip-build quickstart --backend mssql "$@"
