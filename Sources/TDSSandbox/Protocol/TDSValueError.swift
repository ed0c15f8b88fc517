/// A value that cannot be put on the wire as its declared type (overflow, truncation, wrong kind of value).
/// The request stops and the client receives it as an ERROR token; nothing is silently changed.
struct TDSValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message sent to the client.
    var message: SQLServerMessage

    static func overflow(_ type: TSQLType) -> TDSValueError {
        TDSValueError(
            message: SQLServerMessage(
                number: 8115, severity: 16,
                message: "Arithmetic overflow error converting expression to data type \(type)."))
    }

    static func clash(_ value: String, _ type: TSQLType) -> TDSValueError {
        TDSValueError(
            message: SQLServerMessage(
                number: 206, state: 2, severity: 16,
                message: "Operand type clash: \(value) is incompatible with \(type)"))
    }

    static func truncation(_ type: TSQLType) -> TDSValueError {
        TDSValueError(
            message: SQLServerMessage(
                number: 8152, state: 14, severity: 16, message: "String or binary data would be truncated (\(type))."))
    }

    static func outOfRange(_ type: TSQLType) -> TDSValueError {
        TDSValueError(
            message: SQLServerMessage(
                number: 242, state: 3, severity: 16, message: "The value is out of range for data type \(type)."))
    }

    static func invalidType(_ type: TSQLType) -> TDSValueError {
        TDSValueError(
            message: SQLServerMessage(
                number: 2716, severity: 16, message: "Column, parameter, or variable: cannot declare type \(type)."))
    }

    var description: String { "Msg \(message.number): \(message.message)" }
}
