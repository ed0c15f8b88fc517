#!/usr/bin/env bash
# Builds the DocC documentation of DBCore, DBAzureIdentity, PGDriver, MSSQLDriver and TDSSandbox with swift-docc-plugin
# (`swift package generate-documentation`) and fails if DocC printed any warning (an unresolved symbol link, a
# malformed article). The archives go to .build/plugins/Swift-DocC/outputs/<Target>.doccarchive.
set -euo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
swift package --disable-sandbox generate-documentation \
    --target DBCore --target DBAzureIdentity --target PGDriver --target MSSQLDriver --target TDSSandbox \
    --warnings-as-errors >"$log" 2>&1 || status=$?
if [ $status -ne 0 ] || grep -E "warning:|error:" "$log" >/dev/null; then
    grep -E "warning:|error:" "$log" | sort -u >&2 || tail -40 "$log" >&2
    echo "docs.sh: the documentation has warnings or errors (above)" >&2
    exit 1
fi
grep -E "Generated DocC archive|doccarchive" "$log" | sort -u
echo "docs.sh: 5 catalogs built without warnings"
