import DBCore

/// Checks a parameter value before it is bound: PostgreSQL keeps microseconds, so a `datetime2(7)`, `time(7)` or
/// `datetimeoffset(7)` value with a non-zero 100-ns digit would be rounded silently; it is rejected instead.
enum ParameterValidation {
    /// Throws error 241 for a value PostgreSQL cannot store exactly.
    static func validate(_ value: SQLValue, as type: TSQLType, name: String) throws(SQLServerMessage) {
        let nanoseconds: Int
        switch value {
        case .time(let time): nanoseconds = time.nanosecond
        case .timestamp(let timestamp): nanoseconds = timestamp.time.nanosecond
        case .timestampTZ(let timestamp): nanoseconds = timestamp.local.time.nanosecond
        default: return
        }
        switch type {
        case .datetime, .smalldatetime: return
        default: break
        }
        guard nanoseconds % 1000 != 0 else { return }
        throw SQLServerMessage(
            number: 241, severity: 16,
            message: "Conversion failed for parameter \(name): the TDS sandbox stores at most 6 fractional digits "
                + "(microseconds), and the value has a non-zero 100-nanosecond digit.")
    }
}
