/// Workloads that are wired into the table but not measured on this branch yet.
enum OtherWorkloads {
    /// (5) Pool acquire + release.
    ///
    /// HOOK(pooling): connection pooling is written on another branch. When `ConnectionPool` lands in DBCore,
    /// replace this with a loop of acquire + release on a pool of PGDriver connections (median of repeats, with
    /// p50/p99 per acquire), and compare with psycopg_pool in `benchmarks/python/pg_bench.py`.
    static func poolAcquireRelease() -> WorkloadResult {
        let reason = "not measured: pooling not on this branch"
        return WorkloadResult(
            title: "pool acquire+release", unit: "ops/s", backend: "PostgreSQL",
            ceiling: ("raw C (libpq)", .notMeasured("not measured: no C pool")),
            peer: ("psycopg_pool", .notMeasured(reason)), ours: ("PGDriver pool", .notMeasured(reason)),
            showsLatency: true)
    }

    /// The SQL Server workloads, through the TDS sandbox, against pymssql and a raw C loop over DB-Library.
    ///
    /// HOOK(sqlserver): these need the TDS sandbox's PostgreSQL engine (another branch) and MSSQLDriver bulk
    /// copy (DB-Library BCP behind ``DBCore/BulkCopying``). When they land: start a `TDSSandboxServer` over the
    /// throwaway PostgreSQL, run `CompetitorPaths.dblibC` / `CompetitorPaths.pymssql` with `DBLIB_*` settings,
    /// and the same four workloads through MSSQLDriver.
    static func sqlServer() -> [WorkloadResult] {
        let reason = "not measured yet: SQL Server workloads are wired in a later issue"
        return ["fetch rows", "point SELECTs", "executeMany insert", "bulk insert (BCP)"].map { title in
            WorkloadResult(
                title: title, unit: "rows/s", backend: "SQL Server (TDS sandbox)",
                ceiling: (CompetitorPaths.dblibC.name, .notMeasured(reason)),
                peer: (CompetitorPaths.pymssql.name, .notMeasured(reason)),
                ours: ("MSSQLDriver", .notMeasured(reason)), showsLatency: title == "point SELECTs")
        }
    }
}
