import Foundation
import Synchronization
import TDSSandbox
import ThrowawayServers

/// Stops the server and removes the embedded PostgreSQL once, on SIGINT or SIGTERM or on a failure, whichever
/// comes first. A signal that arrives while the sandbox is still starting (PostgreSQL takes seconds) is held until
/// the start returns, so that a half-started cluster is still removed.
final class SandboxShutdown: Sendable {
    private struct State {
        var starting = true
        var requested = false
        var server: TDSSandboxServer?
        var postgres: ThrowawayPostgres?
    }

    private let state = Mutex(State())

    /// Remembers the embedded PostgreSQL, to stop on exit.
    func adopt(postgres: ThrowawayPostgres) {
        state.withLock { $0.postgres = postgres }
    }

    /// Remembers the server, to stop on exit.
    func adopt(server: TDSSandboxServer) {
        state.withLock { $0.server = server }
    }

    /// The start is over: exits now if a signal came meanwhile.
    func started() {
        let requested = state.withLock { state -> Bool in
            state.starting = false
            return state.requested
        }
        if requested { stopAndExit(status: 0) }
    }

    /// A signal: stops and exits, or, while starting, leaves that to ``started()``.
    func signalled() {
        let starting = state.withLock { state -> Bool in
            state.requested = true
            return state.starting
        }
        if !starting { stopAndExit(status: 0) }
    }

    /// Stops what was started (the server, then PostgreSQL: `pg_ctl stop` and, unless kept, its directory) and
    /// exits with `status`.
    func stopAndExit(status: Int32) -> Never {
        let (server, postgres) = state.withLock { state in
            defer {
                state.server = nil
                state.postgres = nil
            }
            return (state.server, state.postgres)
        }
        server?.stop()
        postgres?.stop()
        exit(status)
    }

    /// Calls ``signalled()`` on SIGINT and SIGTERM, on a queue of its own (the main thread may be busy starting).
    func installSignalHandlers() -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "tds-sandbox.signals")
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable [self] in self.signalled() }
            source.resume()
            return source
        }
    }
}
