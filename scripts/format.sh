#!/usr/bin/env bash
# Formats the package's Swift code with `swift format` (the toolchain's swift-format, configured by .swift-format:
# 120 columns, 4 spaces), or with `--lint` checks it without changing a file and fails on any finding.
# Covers the package (Sources, Tests, Package.swift) and the example and benchmark packages beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

paths=(Package.swift Sources Tests Examples benchmarks/postgres-nio)
if [ "${1:-}" = "--lint" ]; then
    # --strict turns findings into a failing exit status.
    swift format lint --strict --recursive --parallel "${paths[@]}"
else
    swift format format --in-place --recursive --parallel "${paths[@]}"
fi
