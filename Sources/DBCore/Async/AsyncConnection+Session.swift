extension AsyncConnection {
    /// Commits the current transaction (a no-op when none is open).
    public func commit(isolation: isolated (any Actor)? = #isolation) async throws {
        try await withConnection { try $0.commit() }
    }

    /// Rolls back the current transaction (a no-op when none is open).
    public func rollback(isolation: isolated (any Actor)? = #isolation) async throws {
        try await withConnection { try $0.rollback() }
    }

    /// Turns autocommit on or off (on commits an open transaction first).
    public func setAutocommit(_ enabled: Bool, isolation: isolated (any Actor)? = #isolation) async throws {
        try await withConnection { try $0.setAutocommit(enabled) }
    }

    /// Whether each statement commits on its own.
    public var autocommit: Bool { connection.autocommit }

    /// A cheap liveness check (no round trip).
    public var isAlive: Bool { connection.isAlive }

    /// A round trip to the server; throws ``DatabaseError/Kind/connectionLost`` when it is gone.
    public func ping(isolation: isolated (any Actor)? = #isolation) async throws {
        try await withConnection { try $0.ping() }
    }

    /// Asks the server to cancel the running statement, if any. Cancelling the task does this too.
    public func cancel() { connection.cancel() }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws (or its task is
    /// cancelled) and rethrows. With autocommit on, autocommit is off for the duration.
    public func withTransaction<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: (AsyncConnection) async throws -> T
    ) async throws -> T {
        let wasAutocommit = autocommit
        if wasAutocommit { try await setAutocommit(false) }
        do {
            let result = try await body(self)
            try await commit()
            if wasAutocommit { try await setAutocommit(true) }
            return result
        } catch {
            // Not cancellable: the rollback must run even when the task was cancelled.
            let connection = self.connection
            _ = try? await thread.run {
                try connection.rollback()
                if wasAutocommit { try connection.setAutocommit(true) }
            }
            throw error
        }
    }

    /// Closes the connection on its thread, after a running statement ends. A thread this object created stops
    /// when the object goes away.
    public func close(isolation: isolated (any Actor)? = #isolation) async {
        let connection = self.connection
        _ = try? await thread.run { connection.close() }
    }
}
