extension TSQLTranslator {
    /// Words that start a statement without naming a procedure.
    static let nonProcedureStarts: Set<String> = TSQLStatementSplitter.statementKeywords.union([
        "WITH", "OPEN", "FETCH", "CLOSE", "DEALLOCATE", "DBCC", "KILL", "CHECKPOINT", "RECONFIGURE", "SHUTDOWN",
        "BULK", "BACKUP", "RESTORE", "READTEXT", "WRITETEXT", "UPDATETEXT", "REVERT", "SETUSER", "ENABLE", "DISABLE",
        "END", "ELSE", "TRY", "CATCH",
    ])

    /// A batch whose first statement is a bare procedure name (`sp_who`, `dbo.report 1, 2`) runs that procedure,
    /// as in SQL Server: the tokens with `EXEC` put in front. Anything else comes back unchanged.
    static func withImplicitExec(_ tokens: [TSQLToken]) -> [TSQLToken] {
        guard let first = tokens.first else { return tokens }
        switch first.kind {
        case .word:
            guard !nonProcedureStarts.contains(first.text.uppercased()) else { return tokens }
        case .quotedIdentifier:
            break
        default:
            return tokens
        }
        // `label:` is a GOTO label, not a call.
        if tokens.count > 1, tokens[1].isSymbol(":") { return tokens }
        let exec = TSQLToken(kind: .word, text: "EXEC", line: first.line, spaceBefore: false)
        return [exec] + tokens
    }
}
