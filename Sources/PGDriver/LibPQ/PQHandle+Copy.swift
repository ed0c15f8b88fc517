import CLibPQ
import DBCore
import Foundation

/// libpq's COPY sub-protocol: sending rows for `COPY FROM STDIN`, receiving them for `COPY TO STDOUT`.
extension PQHandle {
    /// Sends one block of COPY data (`PQputCopyData`, blocking); `false` when libpq refuses it, which happens
    /// once the server has reported an error for this COPY or the connection broke.
    func putCopyData(_ base: UnsafeRawPointer, count: Int) -> Bool {
        guard let connection else { return false }
        return PQputCopyData(connection, base.assumingMemoryBound(to: CChar.self), Int32(count)) == 1
    }

    /// Ends the COPY (`PQputCopyEnd`): normally with `abortMessage == nil`, or failing it with that message so
    /// the server rolls the COPY back. `false` when libpq refuses (the COPY already ended with an error).
    @discardableResult
    func putCopyEnd(abortMessage: String? = nil) -> Bool {
        guard let connection else { return false }
        return PQputCopyEnd(connection, abortMessage) == 1
    }

    /// The final results of a COPY: its first error, else its command result; reads until libpq has no more.
    func copyCompletion() -> (command: PQResult?, error: PQResult?) {
        guard let connection else { return (nil, nil) }
        var command: PQResult?
        var error: PQResult?
        while let pointer = PQgetResult(connection) {
            let result = PQResult(pointer)
            switch result.status {
            case PGRES_COPY_IN:
                // Still in COPY IN after a refused end: end it for good.
                _ = PQputCopyEnd(connection, "the client ended the COPY")
            case PGRES_COPY_OUT:
                while true {
                    var buffer: UnsafeMutablePointer<CChar>?
                    let length = PQgetCopyData(connection, &buffer, 0)
                    if let buffer { PQfreemem(buffer) }
                    if length < 0 { break }
                }
            default:
                if result.isError {
                    if error == nil { error = result }
                } else if command == nil {
                    command = result
                }
            }
        }
        return (command, error)
    }

    /// The next row of `COPY TO STDOUT` data, passed to `body` while libpq's buffer is valid; `false` at the end
    /// (then read ``copyCompletion()``).
    func nextCopyRow(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard let connection else { return false }
        var buffer: UnsafeMutablePointer<CChar>?
        let length = PQgetCopyData(connection, &buffer, 0)
        guard length > 0, let buffer else {
            if let buffer { PQfreemem(buffer) }
            return false
        }
        defer { PQfreemem(buffer) }
        try body(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
        return true
    }
}

extension PQResult {
    /// The 1-based line (row) of a COPY error, from the CONTEXT field (`COPY t, line 1501, column x: ...`).
    var copyErrorLine: Int? {
        guard let context = PQresultErrorField(pointer, Int32(UInt8(ascii: "W"))).map({ String(cString: $0) }),
            let range = context.range(of: "line ")
        else { return nil }
        return Int(context[range.upperBound...].prefix(while: \.isNumber))
    }
}
