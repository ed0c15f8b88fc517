import ArgumentParser

/// The command line of `bench`: no options of its own; the environment variables that scripts/bench.sh sets
/// choose the workloads and the competitors, and `--help` lists them.
struct BenchOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks PGDriver and MSSQLDriver against raw C, psycopg 3, pymssql and postgres-nio.",
        discussion: """
            Run it through scripts/bench.sh, which builds the competitors and sets
            these environment variables:

              BENCH_SCALE           scales every workload (0.1 for a quick run)
              BENCH_REPEAT          runs per figure (default 3)
              BENCH_POINT_QUERIES   the point-SELECT count alone (profiling)
              BENCH_ONLY            only the workloads whose titles contain one
                                    of these comma-separated words
              BENCH_POSTGRES_ONLY   1: no SQL Server rows, no sandbox section
              BENCH_BACKEND         sqlserver: only the SQL Server rows, written
                                    to BENCH_SQLSERVER_RESULTS
              BENCH_PROFILE         PGDriver's side of one workload, once, for
                                    a profiler: fetch, copy, many, async,
                                    point or point-swift (with
                                    BENCH_BACKEND=sqlserver: SQL Server's);
                                    mssql-fetch: MSSQLDriver's fetch alone;
                                    sandbox: only the TDS sandbox SELECT table
              BENCH_MSSQL_ROWS      1: MSSQLDriver's fetch reads Rows, not
                                    row views (forEachRowView)
              BENCH_PREPARE_THRESHOLD  the statement cache of point-swift
              BENCH_PIN             1: this process and its children on one
                                    CPU, PostgreSQL and the sandbox on the
                                    others (client CPU without preemption)
              BENCH_RESULTS         the report (default benchmarks/RESULTS.md)
              BENCH_TDS_SANDBOX     the tds-sandbox executable (default: the
                                    one next to bench)
              BENCH_SANDBOX_PORT    a running tds-sandbox to use instead
              BENCH_SQLSERVER       an SQL Server (or Babelfish) for the SQL
                                    Server rows instead of the sandbox:
                                    sqlserver://user:password@host:port/db
                                    or host:port,user,password,db
              BENCH_PG_C, BENCH_DBLIB_C, BENCH_PYTHON, BENCH_PY_DIR, BENCH_PGNIO
                                    the competitors
              BENCH_VERSIONS        the versions line of the report
              DBHOST and friends    an existing PostgreSQL instead of a
                                    throwaway one
            """
    )
}
