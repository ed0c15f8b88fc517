/// `EXEC [@rc =] name [args]` in a batch or procedure.
struct ProcedureCall: Sendable, Hashable {
    /// The procedure called.
    var name: ProcedureName
    /// The variable receiving the return status (`EXEC @rc = p`), lower case with `@`.
    var statusVariable: String?
    /// The arguments in order.
    var arguments: [ProcedureArgument]
}

/// One argument of `EXEC`: `[@param =] value | DEFAULT [OUTPUT]`.
struct ProcedureArgument: Sendable, Hashable {
    /// The parameter name (lower case, with `@`), or `nil` for a positional argument.
    var name: String?
    /// `SELECT value`, or `nil` for `DEFAULT`.
    var value: PostgresQuery?
    /// For `@v OUTPUT`, the variable that receives the output value.
    var outputVariable: String?
}

extension TSQLTranslator {
    /// The statements a procedure body may contain; anything else is refused when the procedure is created.
    static let procedureSubset =
        "DECLARE, SET @v, SELECT, INSERT, UPDATE, DELETE, IF … ELSE, BEGIN … END, WHILE, TRY … CATCH, RETURN, "
        + "RAISERROR, THROW, PRINT, EXEC and SET NOCOUNT"

    /// `CREATE [OR ALTER] PROCEDURE …` / `ALTER PROCEDURE …`: parses the definition and translates its body now, so
    /// that a body outside the supported subset is refused at creation with a message saying what is unsupported.
    func translateProcedureDefinition(
        _ tokens: [TSQLToken], source: String
    ) throws(SQLServerMessage) -> TranslatedStatement {
        let definition = try ProcedureDefinition.parse(tokens, source: source)
        _ = try Self.translateProcedureBody(definition, columnResolver: columnResolver)
        return TranslatedStatement(line: tokens[0].line, action: .createProcedure(definition))
    }

    /// Translates a procedure's body with its parameters in scope; refuses statements outside the subset.
    static func translateProcedureBody(
        _ definition: ProcedureDefinition, columnResolver: ColumnResolver?
    ) throws(SQLServerMessage) -> [TranslatedStatement] {
        var variables: [String: TSQLType] = [:]
        for parameter in definition.parameters { variables[parameter.name] = parameter.type }
        var translator = TSQLTranslator(variables: variables, columnResolver: columnResolver)
        translator.inProcedure = true
        let nodes = try TSQLStatementSplitter.split(definition.body)
        var statements: [TranslatedStatement] = []
        for node in nodes { statements.append(contentsOf: try translator.translate(node)) }
        try checkProcedureSubset(statements, procedure: definition.name.spelling)
        return statements
    }

    private static func checkProcedureSubset(
        _ statements: [TranslatedStatement], procedure: String
    ) throws(SQLServerMessage) {
        for statement in statements {
            let refused: String?
            switch statement.action {
            case .query(_, .select), .query(_, .dml), .declare, .assign, .print, .raise, .rethrow, .breakLoop,
                .continueLoop, .setNoCount, .acceptedOption, .returnFromBatch, .returnValue, .execute, .executeSQL:
                refused = nil
            case .block(let inner):
                try checkProcedureSubset(inner, procedure: procedure)
                refused = nil
            case .ifElse(_, let then, let otherwise):
                try checkProcedureSubset(then, procedure: procedure)
                try checkProcedureSubset(otherwise, procedure: procedure)
                refused = nil
            case .whileLoop(_, let body):
                try checkProcedureSubset(body, procedure: procedure)
                refused = nil
            case .tryCatch(let body, let handler):
                try checkProcedureSubset(body, procedure: procedure)
                try checkProcedureSubset(handler, procedure: procedure)
                refused = nil
            case .query(_, .ddl), .createTable: refused = "DDL (CREATE, ALTER, DROP, TRUNCATE)"
            case .query(_, .silent): refused = "WAITFOR and session SET options"
            case .beginTransaction, .commit, .rollback, .save: refused = "transaction statements"
            case .setImplicitTransactions, .setXactAbort, .setFormatOnly, .setIsolationLevel:
                refused = "SET options other than NOCOUNT"
            case .use: refused = "USE"
            case .createProcedure, .dropProcedure: refused = "CREATE or DROP PROCEDURE"
            case .insertBulk: refused = "INSERT BULK"
            }
            if let refused {
                throw SQLServerMessage(
                    number: 40517, severity: 16,
                    message:
                        "CREATE PROCEDURE '\(procedure)': \(refused) is not supported in a procedure body by the TDS sandbox (line \(statement.line)). A procedure may contain \(procedureSubset).",
                    procedure: procedure, line: statement.line)
            }
        }
    }

    /// `RETURN expr` inside a procedure: the return status as an integer query.
    func translateReturnValue(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action {
        let line = tokens.first?.line ?? 1
        guard inProcedure else { throw .unsupported("RETURN with a value in a batch", line: line) }
        var rewriter = TSQLRewriter(variables: variables)
        let sql = "SELECT CAST((" + (try rewriter.rewrite(tokens.dropFirst())) + ") AS integer)"
        return .returnValue(PostgresQuery(sql: sql, parameters: rewriter.parameters))
    }

    /// `DROP PROC[EDURE] [IF EXISTS] name [, name …]`.
    func translateDropProcedure(_ tokens: ArraySlice<TSQLToken>) throws(SQLServerMessage) -> TranslatedStatement.Action
    {
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst(2))
        var ifExists = false
        if cursor.skip(word: "IF") {
            try cursor.expect(word: "EXISTS")
            ifExists = true
        }
        var names: [ProcedureName] = []
        repeat {
            names.append(ProcedureName(parts: try cursor.readQualifiedName()))
        } while cursor.skip(symbol: ",")
        guard cursor.isAtEnd else { throw cursor.syntaxError() }
        return .dropProcedure(names: names, ifExists: ifExists)
    }

    /// `EXEC [@rc =] name [[@p =] value | DEFAULT [OUTPUT], …]` after the name has been read.
    func translateProcedureCall(
        name: [TSQLToken], statusVariable: TSQLToken?, arguments tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> TranslatedStatement.Action {
        if let statusVariable, variables[statusVariable.text.lowercased()] == nil {
            throw .undeclaredVariable(statusVariable.text, line: statusVariable.line)
        }
        var arguments: [ProcedureArgument] = []
        if !tokens.isEmpty {
            for item in TSQLRewriter.splitAtCommas(tokens) {
                let argument = try Self.splitArgument(item, in: tokens)
                if let variable = argument.outputVariable, variables[variable.text.lowercased()] == nil {
                    throw .undeclaredVariable(variable.text, line: variable.line)
                }
                var value: PostgresQuery?
                let valueTokens = argument.value
                if !(valueTokens.count == 1 && valueTokens.first?.isWord("DEFAULT") == true) {
                    guard !valueTokens.isEmpty else { throw .incorrectSyntax(near: item.first) }
                    var rewriter = TSQLRewriter(variables: variables)
                    value = PostgresQuery(
                        sql: "SELECT " + (try rewriter.rewrite(valueTokens)), parameters: rewriter.parameters)
                }
                arguments.append(
                    ProcedureArgument(
                        name: argument.name, value: value, outputVariable: argument.outputVariable?.text.lowercased()))
            }
        }
        return .execute(
            ProcedureCall(
                name: ProcedureName(parts: name), statusVariable: statusVariable?.text.lowercased(),
                arguments: arguments))
    }

    /// One argument of `EXEC` or `EXEC sp_executesql`, `[@name =] value [OUTPUT | OUT]`, split into its name
    /// (lowercased), its value's tokens and the variable an `OUTPUT` names (which must then be the value, alone).
    static func splitArgument(
        _ tokens: ArraySlice<TSQLToken>, in statement: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> (name: String?, value: ArraySlice<TSQLToken>, outputVariable: TSQLToken?) {
        var item = tokens
        guard let first = item.first else { throw .incorrectSyntax(near: statement.first) }
        var name: String?
        if first.kind == .variable, item.count > 2, item[item.startIndex + 1].isSymbol("=") {
            name = first.text.lowercased()
            item = item.dropFirst(2)
        }
        var outputVariable: TSQLToken?
        if let last = item.last, last.isWord("OUTPUT") || last.isWord("OUT") {
            item = item.dropLast()
            guard item.count == 1, let variable = item.first, variable.kind == .variable else {
                throw .incorrectSyntax(near: last)
            }
            outputVariable = variable
        }
        return (name, item, outputVariable)
    }
}
