import DBCore
import Foundation

/// A result column as COLMETADATA declared it: the raw TYPE_INFO, decoded.
struct WireColumn: Hashable {
    var name: String
    /// The TDS data type byte ([MS-TDS] 2.2.5.4), e.g. 0x26 (INTN), 0xE7 (NVARCHAR).
    var typeByte: UInt8
    /// The declared maximum length (bytes) for length-prefixed types; 0xFFFF for the (max) types.
    var maxLength: Int?
    var precision: Int?
    var scale: Int?
    /// The 5-byte collation of character types.
    var collation: [UInt8]?
    /// The column flags (bit 0: nullable).
    var flags: UInt16
}

/// A DONE, DONEPROC or DONEINPROC token.
struct WireDone: Hashable {
    var token: UInt8
    var status: UInt16
    var command: UInt16
    var rowCount: UInt64

    var hasMore: Bool { status & 0x01 != 0 }
    var hasError: Bool { status & 0x02 != 0 }
    var inTransaction: Bool { status & 0x04 != 0 }
    var hasCount: Bool { status & 0x10 != 0 }
    var isAttention: Bool { status & 0x20 != 0 }
    /// The row count when the COUNT bit is set.
    var count: Int? { hasCount ? Int(rowCount) : nil }
}

/// An ERROR or INFO token.
struct WireMessage: Hashable {
    var isError: Bool
    var number: Int
    var state: Int
    var severity: Int
    var text: String
    var server: String
    var procedure: String
    var line: Int
}

/// An ENVCHANGE token: its type and raw new/old values.
struct WireEnvChange: Hashable {
    var type: UInt8
    var new: [UInt8]
    var old: [UInt8]

    /// The 8-byte transaction descriptor of a begin (new) or commit/rollback (old) change.
    var descriptor: UInt64? {
        let bytes = type == 8 ? new : old
        guard bytes.count == 8 else { return nil }
        return bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// The new value of a B_VARCHAR change (database, language, packet size).
    var newText: String { WireValueDecoder.utf16(new[...]) }
}

/// One decoded token of the tabular result stream.
enum WireToken {
    case columns([WireColumn])
    case row([SQLValue])
    case done(WireDone)
    case message(WireMessage)
    case envChange(WireEnvChange)
    case loginAck(tdsVersion: UInt32)
    case returnStatus(Int32)
    case returnValue(name: String, column: WireColumn, value: SQLValue)
    case other(UInt8)
}

/// A whole response, with views the tests assert on.
struct WireResponse {
    var tokens: [WireToken]

    /// The result sets: columns and rows.
    var resultSets: [(columns: [WireColumn], rows: [[SQLValue]])] {
        var sets: [(columns: [WireColumn], rows: [[SQLValue]])] = []
        for token in tokens {
            switch token {
            case .columns(let columns): sets.append((columns, []))
            case .row(let values): sets[sets.count - 1].rows.append(values)
            default: break
            }
        }
        return sets
    }

    /// The rows of the first result set.
    var rows: [[SQLValue]] { resultSets.first?.rows ?? [] }

    /// The first value of the last result set's first row.
    var scalar: SQLValue? { resultSets.last?.rows.first?.first }

    var messages: [WireMessage] {
        tokens.compactMap { if case .message(let message) = $0 { return message } else { return nil } }
    }

    var errors: [WireMessage] { messages.filter(\.isError) }

    var dones: [WireDone] {
        tokens.compactMap { if case .done(let done) = $0 { return done } else { return nil } }
    }

    /// The row counts of the DONE tokens (nil where the COUNT bit is clear).
    var doneCounts: [Int?] { dones.map(\.count) }

    var envChanges: [WireEnvChange] {
        tokens.compactMap { if case .envChange(let change) = $0 { return change } else { return nil } }
    }

    /// The last DONE of the response.
    var final: WireDone? { dones.last }
}
