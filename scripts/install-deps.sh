#!/usr/bin/env bash
# Installs the system packages the project needs, if any is missing: libpq (PGDriver), FreeTDS DB-Library and its
# command-line clients (MSSQLDriver, tests), a PostgreSQL server (throwaway test clusters), openssl (test certificates)
# and its headers (the TDS sandbox's TLS).
set -euo pipefail

packages=(libpq-dev postgresql freetds-dev freetds-bin openssl libssl-dev)
missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing missing system packages: ${missing[*]}"
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian's postgresql package starts a cluster of its own on port 5432; the project never uses it, and the
# throwaway clusters pick free ports, so it is left alone.

# Independent SQL Server clients that the TDS sandbox's tests drive from Python (python-tds is pure Python; pymssql's
# wheel carries its own FreeTDS), in a virtual environment inside the build folder. Without python3 or PyPI the
# tests that need them are skipped, saying so.
clients="$(cd "$(dirname "$0")/.." && pwd)/.build/python-clients"
if command -v python3 >/dev/null 2>&1 && [ ! -x "$clients/bin/python" ]; then
    if python3 -m venv "$clients" >/dev/null 2>&1 && "$clients/bin/pip" install -q python-tds pymssql >/dev/null 2>&1; then
        echo "Installed python-tds and pymssql in $clients"
    else
        rm -rf "$clients"
        echo "python-tds/pymssql not installed: the tests that drive them will be skipped"
    fi
fi
