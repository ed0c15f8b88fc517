import CLibPQ
import DBCore
import Foundation

/// Named prepared statements (`PQprepare`, `PQsendQueryPrepared`), for the automatic statement cache.
extension PQHandle {
    /// Prepares `sql` under `name` with the given parameter types (0: the server infers) and waits for the
    /// result to check; `nil` when the connection is gone.
    func prepare(name: String, sql: String, types: [UInt32]) -> PQResult? {
        guard let connection else { return nil }
        return PQprepare(connection, name, sql, Int32(types.count), types).map(PQResult.init)
    }

    /// Sends a run of the prepared statement `name` with `parameters` (binary results) without waiting.
    func sendPrepared(name: String, _ parameters: PQParameters, statement: String) throws {
        guard let connection else { throw PQHandle.closedError }
        // `withCString`, not the implicit conversion, which copies the text into a new array on every call. The
        // count is read outside the closures: reading it inside captured `parameters`, retaining and releasing its
        // three arrays on every statement.
        let count = Int32(parameters.count)
        let sent = name.withCString { name in
            parameters.withArrays { values, lengths, formats in
                PQsendQueryPrepared(connection, name, count, values, lengths, formats, 1)
            }
        }
        guard sent == 1 else { throw clientError(statement: statement) }
    }

    /// Drops the prepared statements `names` (`DEALLOCATE`), in one round trip when all exist; errors are
    /// ignored (a statement already gone is what was wanted). Call only outside a transaction block, where a
    /// failed `DEALLOCATE` cannot abort the caller's transaction.
    func deallocate(_ names: [String]) {
        guard !names.isEmpty else { return }
        let script = names.map { "DEALLOCATE \($0)" }.joined(separator: "; ")
        guard let result = exec(script), result.isError else { return }
        // One failed: the rest of the script did not run. Drop them one by one.
        if names.count > 1 {
            for name in names { _ = exec("DEALLOCATE \(name)") }
        }
    }
}

/// What a finished command means for the prepared statements of its session.
enum PQSessionEffect {
    /// Nothing.
    case none
    /// `COMMIT`: statements prepared in the transaction are safe to keep.
    case committed
    /// `ROLLBACK` (also `ROLLBACK TO SAVEPOINT`, and `COMMIT` of a failed transaction): objects created in the
    /// transaction are gone, so statements prepared in it may be stale.
    case rolledBack
    /// `DISCARD ALL` or `DEALLOCATE ALL`: the server has dropped every prepared statement.
    case droppedAll
    /// `ALTER …` or `DROP …`: a prepared statement's result type may have changed.
    case schemaChanged
}

extension PQResult {
    /// What this command's status tag (`PQcmdStatus`) means for prepared statements.
    var sessionEffect: PQSessionEffect {
        guard let tag = PQcmdStatus(pointer) else { return .none }
        func starts(_ prefix: StaticString) -> Bool {
            strncmp(
                tag, UnsafeRawPointer(prefix.utf8Start).assumingMemoryBound(to: CChar.self), prefix.utf8CodeUnitCount)
                == 0
        }
        switch UInt8(bitPattern: tag.pointee) {
        case UInt8(ascii: "C"): return starts("COMMIT") ? .committed : .none
        case UInt8(ascii: "R"): return starts("ROLLBACK") ? .rolledBack : .none
        case UInt8(ascii: "A"): return starts("ALTER ") ? .schemaChanged : .none
        case UInt8(ascii: "D"):
            if starts("DROP ") { return .schemaChanged }
            if starts("DISCARD ALL") || starts("DEALLOCATE ALL") { return .droppedAll }
            return .none
        default: return .none
        }
    }

    /// The SQLSTATE of an error result, if any.
    var sqlState: String? {
        PQresultErrorField(pointer, clibpq_diag_sqlstate()).map { String(cString: $0) }
    }
}
