#!/usr/bin/env bash
# Prepares everything the benchmark needs on a fresh machine and runs it:
#   - system packages (scripts/install-deps.sh: libpq, FreeTDS, PostgreSQL server) and gcc;
#   - a Python virtualenv with psycopg 3 (binary), psycopg_pool and pymssql from PyPI, under .build-bench/ (BENCH_WORK overrides);
#   - the C competitors (benchmarks/c/*.c) compiled with gcc against libpq and DB-Library, and postgres-nio
#     (benchmarks/postgres-nio, a package of its own) built in release, for the fetch workload;
#   - the release build of `bench`, which starts a throwaway PostgreSQL, runs every workload for PGDriver and its
#     competitors in the same run, prints the table and writes benchmarks/RESULTS.md.
#   - the release build of `tds-sandbox`, started by `bench` as a separate process that every SQL Server
#     contender (MSSQLDriver, the raw C loop, pymssql) talks to, so each one's client CPU is its own.
# Environment: BENCH_SCALE (e.g. 0.1 for a quick run), BENCH_REPEAT (runs per figure, default 3), BENCH_PIN=1 (the
# clients on one CPU, PostgreSQL and the sandbox on the others; Linux, two CPUs or more).
# `scripts/bench.sh sqlserver` runs only the SQL Server rows and writes them to .build-bench/RESULTS-sqlserver.md
# (BENCH_SQLSERVER_RESULTS overrides), leaving benchmarks/RESULTS.md alone.
# BENCH_SQLSERVER='sqlserver://user:password@host:port/db?encrypt=false' (or host:port,user,password,db) runs the
# SQL Server rows against that server (a real SQL Server, Babelfish) instead of the sandbox; never printed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="${BENCH_WORK:-$root/.build-bench}"
mkdir -p "$work"

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

bash scripts/install-deps.sh
command -v gcc >/dev/null || apt_install gcc libc6-dev
command -v python3 >/dev/null || apt_install python3

# Python competitors.
if [ ! -x "$work/venv/bin/python" ]; then
    if ! python3 -m venv "$work/venv" 2>/dev/null; then
        apt_install python3-venv
        python3 -m venv "$work/venv"
    fi
fi
if ! "$work/venv/bin/python" -c "import psycopg" 2>/dev/null; then
    "$work/venv/bin/pip" install -q "psycopg[binary]"
fi
if ! "$work/venv/bin/python" -c "import psycopg_pool" 2>/dev/null; then
    "$work/venv/bin/pip" install -q psycopg-pool || echo "warning: psycopg_pool did not install; its row will say so" >&2
fi
if ! "$work/venv/bin/python" -c "import pymssql" 2>/dev/null; then
    "$work/venv/bin/pip" install -q pymssql || echo "warning: pymssql did not install; its rows will say so" >&2
fi

# C competitors.
pq_include=$(pg_config --includedir 2>/dev/null || pkg-config --variable=includedir libpq)
gcc -O2 -Wall -o "$work/pg_bench" benchmarks/c/pg_bench.c -I"$pq_include" -lpq
gcc -O2 -Wall -o "$work/dblib_bench" benchmarks/c/dblib_bench.c -lsybdb

# postgres-nio, a fetch competitor: its own package (never built by the library, its tests or CI), timed.
pgnio_start=$(date +%s)
if swift build -c release --package-path benchmarks/postgres-nio/pgnio-bench --scratch-path "$work/postgres-nio" >"$work/postgres-nio-build.log" 2>&1; then
    export BENCH_PGNIO="$(swift build -c release --package-path benchmarks/postgres-nio/pgnio-bench --scratch-path "$work/postgres-nio" --show-bin-path)/pgnio-bench"
    export BENCH_PGNIO_BUILD_SECONDS=$(( $(date +%s) - pgnio_start ))
else
    echo "warning: postgres-nio did not build (see $work/postgres-nio-build.log); its figures will say so" >&2
fi

versions="swift=$(swift --version 2>/dev/null | head -1)"
versions+="; gcc=$(gcc -dumpfullversion)"
versions+="; libpq=$(pkg-config --modversion libpq 2>/dev/null || echo unknown)"
versions+="; python=$("$work/venv/bin/python" -c 'import platform; print(platform.python_version())')"
versions+="; psycopg=$("$work/venv/bin/python" -c 'import psycopg; print(psycopg.__version__, psycopg.pq.__impl__, "libpq", psycopg.pq.version())')"
versions+="; psycopg_pool=$("$work/venv/bin/python" -c 'import psycopg_pool; print(psycopg_pool.__version__)' 2>/dev/null || echo 'not installed')"
versions+="; pymssql=$("$work/venv/bin/python" -c 'import pymssql; print(pymssql.__version__)' 2>/dev/null || echo 'not installed')"
versions+="; FreeTDS=$(dpkg-query -W -f='${Version}' freetds-dev 2>/dev/null || echo unknown)"
versions+="; kernel=$(uname -r)"

export BENCH_PG_C="$work/pg_bench"
export BENCH_DBLIB_C="$work/dblib_bench"
export BENCH_PYTHON="$work/venv/bin/python"
export BENCH_PY_DIR="$root/benchmarks/python"
export BENCH_VERSIONS="$versions"
export BENCH_RESULTS="${BENCH_RESULTS:-$root/benchmarks/RESULTS.md}"

if [ "${1:-}" = "sqlserver" ]; then export BENCH_BACKEND=sqlserver; fi
swift build -c release --product tds-sandbox
export BENCH_TDS_SANDBOX="$(swift build -c release --show-bin-path)/tds-sandbox"
export BENCH_SQLSERVER_RESULTS="${BENCH_SQLSERVER_RESULTS:-$work/RESULTS-sqlserver.md}"
swift build -c release --product bench
"$(swift build -c release --show-bin-path)/bench"
