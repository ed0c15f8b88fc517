import DBCore
import Foundation
import Synchronization

/// Where a cursor's results come from.
enum PGResultSource {
    /// Every result already received, in order.
    case buffered([PQResult])
    /// The one result of a statement (the common case, without an array).
    case single(PQResult)
    /// Results still arriving (single-row mode).
    case stream(PGResultStream)
}

extension PGConnection {
    /// Runs a statement: opens a transaction first when autocommit is off, sends the SQL (extended protocol with
    /// parameters and binary results; the simple protocol for several statements without parameters), and
    /// either receives every result (`streaming == false`) or the first one, leaving the rest on the wire. Returns
    /// the results and the name of the prepared statement that produced them (`nil` when it ran unprepared).
    ///
    /// ``withIdleHandle(_:)`` written out: a closure capturing the statement copied it (its SQL text and parameter
    /// array retained and released) on every run.
    ///
    /// `spare`: a result wrapper only the caller held (its last statement's), filled with this statement's first
    /// result instead of allocating a new one; released (its result freed) if unused.
    func run(
        _ statement: BoundStatement, streaming: Bool, reusing spare: consuming PQResult? = nil
    ) throws -> (PGResultSource, prepared: String?) {
        lock.lock()
        defer {
            handle.spareResult = nil
            healthyFlag.store(handle.isHealthy, ordering: .relaxed)
            lock.unlock()
        }
        guard !isClosed else { throw PQHandle.closedError }
        // Each step below is checked here first: a call that finds nothing to do cost ~15-25 instructions a
        // statement.
        if activeStream != nil { abandonActiveStream() }
        // After the stream's results are read and dropped (they must not land in the wrapper).
        // Moved (`consume`), not copied: a retain and a release.
        handle.spareResult = consume spare
        do {
            cancelRequested.store(false, ordering: .sequentiallyConsistent)
            if statementCache.needsMaintenance { maintainStatementCache(handle) }
            if !autocommitEnabled { try beginIfNeeded(handle) }
            if !streaming, !statement.parameters.isEmpty {
                // Encoded into the connection's arrays in place (passed `inout`: read from the property, each call
                // retained and released its three arrays). Values too large to keep (a blob) are not held on to
                // between statements.
                defer {
                    if parameterScratch.retainedBytes > PQParameters.retainedBytesLimit {
                        parameterScratch = PQParameters()
                    }
                }
                return try runParameterized(statement, handle, &parameterScratch)
            }
            let (first, prepared) = try send(statement, handle, streaming: streaming)
            return (try receive(consume first, statement: statement, handle, streaming: streaming), prepared)
        } catch let error as DatabaseError where error.kind == .connectionLost {
            markBroken()
            throw error
        }
    }

    /// ``run(_:streaming:reusing:)`` for one statement with parameters, results buffered. The statement run last by
    /// name run again with parameters of the same types (a loop of point queries) is sent and its one result set
    /// received here in one function, where ``send(_:_:streaming:)``, ``receive(_:statement:_:streaming:)`` and
    /// the statement cache's ``PGStatementCache/plan(sql:types:)`` took a call each and passed the result and the
    /// name through each; any other statement or result (an error, a stale statement prepared again, a command,
    /// several results) takes the general steps. Call under `lock`.
    private func runParameterized(
        _ statement: BoundStatement, _ handle: PQHandle, _ parameters: inout PQParameters
    ) throws -> (PGResultSource, prepared: String?) {
        try parameters.encode(statement.parameters)
        guard let name = statementCache.repeatedName(sql: statement.sql, types: parameters.types) else {
            let (first, prepared) = try sendEncoded(statement.sql, handle, streaming: false, &parameters)
            return (try receive(consume first, statement: statement, handle, streaming: false), prepared)
        }
        try handle.sendPrepared(name: name, parameters, statement: statement.sql)
        let first = handle.nextResult()
        if let result = first, result.kind == .rows {
            guard let second = handle.nextResult() else { return (.single(result), name) }
            var results = [result]
            return (try collect(second, into: &results, handle, statement: statement.sql), name)
        }
        let (result, prepared) = try executed(first, name: name, statement.sql, handle, streaming: false, &parameters)
        return (try receive(consume result, statement: statement, handle, streaming: false), prepared)
    }

    /// The results of the statement just sent, from its first result `first` on (taken: a single result moves into
    /// the source without a retain and a release). Call under `lock`.
    private func receive(
        _ first: consuming PQResult?, statement: BoundStatement, _ handle: PQHandle, streaming: Bool
    ) throws -> PGResultSource {
        if streaming {
            if let first, first.kind == .error {
                let error = failure(first, statement: statement.sql)
                drain(handle)
                throw error
            }
            let stream = PGResultStream(statement: statement.sql, lookahead: copy first)
            if let first {
                noteCommand(first)
                activeStream = stream
            } else {
                stream.finished = true
            }
            return .stream(stream)
        }
        if let result = consume first {
            if result.kind != .error {
                noteCommand(result)
                guard let second = handle.nextResult() else { return .single(consume result) }
                var results = [result]
                return try collect(second, into: &results, handle, statement: statement.sql)
            }
            var results: [PQResult] = []
            return try collect(result, into: &results, handle, statement: statement.sql)
        }
        var results: [PQResult] = []
        return try collect(nil, into: &results, handle, statement: statement.sql)
    }

    /// Receives the results from `next` on, appending to `results` those that are not errors; throws the first
    /// error once all have arrived. Call under `lock`.
    private func collect(
        _ next: PQResult?, into results: inout [PQResult], _ handle: PQHandle, statement: String
    ) throws -> PGResultSource {
        var firstError: DatabaseError?
        var next = next
        while let result = next {
            if result.kind == .error {
                if firstError == nil { firstError = failure(result, statement: statement) }
            } else {
                noteCommand(result)
                results.append(result)
            }
            next = handle.nextResult()
        }
        if let firstError { throw firstError }
        if results.isEmpty && !handle.isHealthy { throw failure(nil, statement: statement) }
        return .buffered(results)
    }

    /// The next result of a stream, or `nil` when all have arrived. Throws the statement's error (after reading
    /// the rest, so the connection is ready again), or `.misuse` if the stream was abandoned.
    func pull(_ stream: PGResultStream) throws -> PQResult? {
        lock.lock()
        defer { lock.unlock() }
        guard !stream.abandoned else {
            throw DatabaseError.misuse(
                "the streamed result was abandoned: another statement ran on the connection, or it was closed")
        }
        if let lookahead = stream.lookahead {
            stream.lookahead = nil
            return lookahead
        }
        if stream.finished { return nil }
        guard let result = handle.nextResult() else {
            stream.finished = true
            activeStream = nil
            return nil
        }
        if result.kind == .error {
            let error = failure(result, statement: stream.statement)
            drain(handle)
            stream.finished = true
            activeStream = nil
            throw error
        }
        noteCommand(result)
        return result
    }

    /// Stops reading a stream: drops its remaining results so the connection is free.
    func abandon(_ stream: PGResultStream) {
        lock.lock()
        defer { lock.unlock() }
        if activeStream === stream { abandonActiveStream() }
    }

    /// Reads and drops every remaining result. Call under `lock`.
    func drain(_ handle: PQHandle) {
        while handle.nextResult() != nil {}
    }

    /// Runs one statement once per parameter set in libpq's pipeline mode: prepared once (the unnamed
    /// statement) and executed per set without waiting for each result. When sets disagree on a parameter's
    /// type, each set is sent with its own types instead (still pipelined). Returns the total of affected rows.
    func runMany(_ sql: String, parameterSets: [[SQLValue]]) throws -> Int {
        let encoded = try parameterSets.map { try PQParameters($0) }
        guard let first = encoded.first else { return 0 }
        // Each parameter's type: the first non-NULL value's, if all non-NULL values agree.
        var types = [UInt32](repeating: 0, count: first.count)
        var consistent = true
        for set in encoded {
            guard set.count == first.count else {
                throw DatabaseError(
                    kind: .invalidParameters, message: "every parameter set needs \(first.count) values", statement: sql
                )
            }
            for (index, type) in set.types.enumerated() where type != 0 {
                if types[index] == 0 {
                    types[index] = type
                } else if types[index] != type {
                    consistent = false
                }
            }
        }
        return try withIdleHandle { handle in
            cancelRequested.store(false, ordering: .sequentiallyConsistent)
            try beginIfNeeded(handle)
            return try runPipelined(handle, sql: sql, sets: encoded, preparedTypes: consistent ? types : nil)
        }
    }
}
