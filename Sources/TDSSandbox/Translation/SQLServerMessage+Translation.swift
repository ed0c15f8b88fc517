extension SQLServerMessage {
    /// Error 102, `Incorrect syntax near '…'.` (severity 15), at the token's line.
    static func incorrectSyntax(near token: TSQLToken?) -> SQLServerMessage {
        SQLServerMessage(
            number: 102, severity: 15, message: "Incorrect syntax near '\(token?.sourceText ?? "")'.",
            line: token?.line ?? 1)
    }

    /// A construct the sandbox does not translate: error 40517 (Azure SQL's "Keyword or statement option '…' is
    /// not supported"), severity 16.
    static func unsupported(_ construct: String, line: Int) -> SQLServerMessage {
        SQLServerMessage(
            number: 40517, severity: 16,
            message: "Keyword or statement option '\(construct)' is not supported by the TDS sandbox.", line: line)
    }

    /// Error 137, `Must declare the scalar variable "@x".` (severity 15).
    static func undeclaredVariable(_ name: String, line: Int) -> SQLServerMessage {
        SQLServerMessage(
            number: 137, severity: 15, message: "Must declare the scalar variable \"\(name)\".", line: line)
    }

    /// Error 243, `Type x is not a defined system type.` (severity 16).
    static func unknownType(_ name: String, line: Int) -> SQLServerMessage {
        SQLServerMessage(number: 243, severity: 16, message: "Type \(name) is not a defined system type.", line: line)
    }
}
