#!/usr/bin/env bash
# macOS only: writes the pkg-config file that Homebrew's FreeTDS lacks, so that `swift build` finds FreeTDS's
# headers and libsybdb under Homebrew's prefix (/opt/homebrew on Apple Silicon, which is on neither the compiler's
# nor the linker's default search path). SwiftPM reads it from $(brew --prefix)/opt/freetds/lib/pkgconfig, the
# directory it searches for the `.brew(["freetds"])` provider of the CSybDB target. Run it once after
# `brew install freetds`, and again after `brew upgrade freetds` (an upgrade installs a new keg without it).
set -euo pipefail

if [ "$(uname -s)" != "Darwin" ]; then
    echo "macos-freetds-pc.sh: for macOS only; on Linux install freetds-dev (scripts/install-deps.sh)" >&2
    exit 1
fi
command -v brew >/dev/null || { echo "macos-freetds-pc.sh: Homebrew (brew) is not installed" >&2; exit 1; }
keg="$(brew --prefix freetds 2>/dev/null || true)"
if [ -z "$keg" ] || [ ! -f "$keg/include/sybdb.h" ]; then
    echo "macos-freetds-pc.sh: FreeTDS is not installed; run: brew install freetds" >&2
    exit 1
fi
version="$(brew list --versions freetds | awk '{print $2}')"
mkdir -p "$keg/lib/pkgconfig"
cat >"$keg/lib/pkgconfig/freetds.pc" <<PC
prefix=$keg
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: freetds
Description: FreeTDS DB-Library (written by swift-db-drivers' scripts/macos-freetds-pc.sh)
Version: ${version:-unknown}
Libs: -L\${libdir} -lsybdb
Cflags: -I\${includedir}
PC
echo "wrote $keg/lib/pkgconfig/freetds.pc"
