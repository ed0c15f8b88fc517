import DBCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ThrowawayPostgres {
    /// The process-wide server for tests and samples, made on first use.
    ///
    /// When the environment names a server (`DBHOST`, with `DBPORT`, `DBUSER`, `DBPASSWORD`, `DBNAME`, `SSLMODE`
    /// and optionally `SSLROOTCERT`, the quickstarts' variables), that server is described and never stopped.
    /// Otherwise a temporary cluster is started once per process (thread-safe) and stopped and deleted when the
    /// process exits. A failure to start is remembered and thrown again on every call.
    public static func shared() throws -> ThrowawayPostgres {
        try sharedServer.withLock { state -> ThrowawayPostgres in
            if let state { return try state.get() }
            let result: Result<ThrowawayPostgres, any Error>
            if let external = fromEnvironment(ProcessInfo.processInfo.environment) {
                result = .success(external)
            } else {
                result = Result { try start() }
                if case .success = result { atexit { ThrowawayPostgres.stopSharedAtExit() } }
            }
            state = result
            return try result.get()
        }
    }

    /// Describes the existing server named by `DBHOST` and friends, or `nil` when `DBHOST` is unset or empty.
    public static func fromEnvironment(_ environment: [String: String]) -> ThrowawayPostgres? {
        guard let host = environment["DBHOST"], !host.isEmpty else { return nil }
        let port = environment["DBPORT"].flatMap { Int($0) } ?? 5432
        let tls = environment["SSLMODE"].flatMap { TLSMode(rawValue: $0.lowercased()) } ?? .prefer
        return ThrowawayPostgres(
            host: host, port: port, superuser: environment["DBUSER"] ?? "postgres",
            superuserPassword: Secret(environment["DBPASSWORD"] ?? ""),
            defaultDatabase: environment["DBNAME"] ?? "postgres",
            caCertificatePath: environment["SSLROOTCERT"], dataDirectory: nil, rootDirectory: nil, defaultTLS: tls,
            isExternal: true, binDirectory: try? PostgresBinaries.locate())
    }

    private static let sharedServer = Mutex<Result<ThrowawayPostgres, any Error>?>(nil)

    private static func stopSharedAtExit() {
        let server = sharedServer.withLock { state in try? state?.get() }
        server?.stop()
    }
}
