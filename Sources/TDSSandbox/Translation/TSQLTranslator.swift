import Foundation
import SQLLexing

/// Translates a T-SQL batch into statements the engine runs on PostgreSQL. The whole batch is translated before
/// anything runs, so a syntax error fails the batch as in SQL Server.
struct TSQLTranslator {
    /// The variables declared so far (lower-cased name with `@` → type), starting with the RPC's parameters.
    var variables: [String: TSQLType]

    /// Looks up a table's recorded columns (in order) by its PostgreSQL name, e.g. `public.t`; `nil` when unknown.
    typealias ColumnResolver = (String) -> [CatalogColumn]?

    /// How the translator learns the columns of tables that exist before the batch (the engine asks the catalog).
    var columnResolver: ColumnResolver?
    /// Tables whose columns the translator knows: created earlier in the batch or already looked up.
    var knownTables: [String: [CatalogColumn]] = [:]
    /// How many WHILE loops enclose the statement being translated (BREAK and CONTINUE need one).
    var loopDepth = 0
    /// How many CATCH blocks enclose the statement being translated (`THROW;` needs one).
    var catchDepth = 0
    /// Whether a procedure body is being translated (`RETURN n` is allowed).
    var inProcedure = false

    /// Creates a translator with the variables already in scope (e.g. sp_executesql's parameters).
    init(variables: [String: TSQLType] = [:], columnResolver: ColumnResolver? = nil) {
        self.variables = variables
        self.columnResolver = columnResolver
    }

    /// Translates a batch.
    static func translate(
        _ batch: String, variables: [String: TSQLType] = [:], columnResolver: ColumnResolver? = nil
    ) throws(SQLServerMessage) -> [TranslatedStatement] {
        var translator = TSQLTranslator(variables: variables, columnResolver: columnResolver)
        return try translator.translate(batch)
    }

    /// Translates a batch, adding its DECLAREd variables to ``variables``.
    mutating func translate(_ batch: String) throws(SQLServerMessage) -> [TranslatedStatement] {
        let tokens = Self.withTableVariables(Self.withImplicitExec(try TSQLTokenizer.tokenize(batch)))
        if ProcedureDefinition.startsDefinition(tokens) {
            return [try translateProcedureDefinition(tokens, source: batch)]
        }
        let nodes = try TSQLStatementSplitter.split(tokens)
        var statements: [TranslatedStatement] = []
        for node in nodes { statements.append(contentsOf: try translate(node)) }
        return statements
    }

    mutating func translate(_ node: TSQLStatementNode) throws(SQLServerMessage) -> [TranslatedStatement] {
        switch node {
        case .simple(let tokens):
            return try translateSimple(tokens[...])
        case .block(let children, let line):
            var statements: [TranslatedStatement] = []
            for child in children { statements.append(contentsOf: try translate(child)) }
            return [TranslatedStatement(line: line, action: .block(statements))]
        case .ifElse(let condition, let then, let otherwise, let line):
            if otherwise == nil, let drop = dropIfExists(condition: condition, then: then) {
                return [TranslatedStatement(line: line, action: .query(PostgresQuery(sql: drop), .ddl))]
            }
            let query = try conditionQuery(condition)
            let thenStatements = try translate(then)
            let elseStatements = try otherwise.map { node throws(SQLServerMessage) in try translate(node) } ?? []
            return [
                TranslatedStatement(
                    line: line, action: .ifElse(condition: query, then: thenStatements, otherwise: elseStatements))
            ]
        case .tryCatch(let body, let handler, let line):
            var bodyStatements: [TranslatedStatement] = []
            for node in body { bodyStatements.append(contentsOf: try translate(node)) }
            catchDepth += 1
            defer { catchDepth -= 1 }
            var handlerStatements: [TranslatedStatement] = []
            for node in handler { handlerStatements.append(contentsOf: try translate(node)) }
            return [
                TranslatedStatement(line: line, action: .tryCatch(body: bodyStatements, handler: handlerStatements))
            ]
        case .whileLoop(let condition, let body, let line):
            let query = try conditionQuery(condition)
            loopDepth += 1
            defer { loopDepth -= 1 }
            let statements = try translate(body)
            return [TranslatedStatement(line: line, action: .whileLoop(condition: query, body: statements))]
        }
    }

    /// The condition of IF or WHILE as a query returning one boolean (NULL counts as false).
    private func conditionQuery(_ condition: [TSQLToken]) throws(SQLServerMessage) -> PostgresQuery {
        var rewriter = TSQLRewriter(variables: variables)
        let sql = "SELECT COALESCE((" + (try rewriter.rewrite(condition[...])) + "), false)"
        return PostgresQuery(sql: sql, parameters: rewriter.parameters)
    }

    /// `IF OBJECT_ID('t'[, 'U']) IS NOT NULL DROP TABLE t` → `DROP TABLE IF EXISTS t`.
    private func dropIfExists(condition: [TSQLToken], then: TSQLStatementNode) -> String? {
        guard condition.count >= 7, condition[0].isWord("OBJECT_ID"), condition[1].isSymbol("("),
            case .string = condition[2].kind,
            condition.suffix(4).map({ $0.text.uppercased() }) == [")", "IS", "NOT", "NULL"],
            case .simple(let drop) = then, drop.count >= 3, drop[0].isWord("DROP"), drop[1].isWord("TABLE")
        else { return nil }
        let target = TSQLRewriter.postgresObjectName(condition[2].text)
        var cursor = TSQLTokenCursor(tokens: drop[2...])
        guard let name = try? cursor.readQualifiedName(), cursor.isAtEnd,
            Self.tableName(name).sql == target
        else { return nil }
        return "DROP TABLE IF EXISTS " + target
    }

    /// A T-SQL table name (`t`, `dbo.t`, `SalesLT.Product`, `db.dbo.t`, `#temp`) as PostgreSQL text and parts.
    static func tableName(_ parts: [TSQLToken]) -> (sql: String, schema: String, name: String) {
        var names = parts.map { TSQLRewriter.identifier($0) }
        if names.count == 3 { names.removeFirst() }
        if names.count == 2, names[0] == "dbo" { names[0] = "public" }
        let schema = names.count == 2 ? names[0] : "public"
        let name = names.last ?? ""
        return (names.joined(separator: "."), schema, name)
    }

    /// A table's name as `to_regclass` text (`"public"."t"`, `"#t"`), the key of ``knownTables``.
    static func regclassKey(schema: String, name: String) -> String {
        func bare(_ identifier: String) -> String {
            guard identifier.hasPrefix("\""), identifier.hasSuffix("\""), identifier.count >= 2 else {
                return identifier
            }
            return String(identifier.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        }
        let table = TSQLRewriter.quote(bare(name))
        return bare(name).hasPrefix("#") || schema.isEmpty ? table : TSQLRewriter.quote(bare(schema)) + "." + table
    }

    mutating func translateSimple(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> [TranslatedStatement] {
        guard let first = tokens.first else { return [] }
        let line = first.line
        func one(_ action: TranslatedStatement.Action) -> [TranslatedStatement] {
            [TranslatedStatement(line: line, action: action)]
        }
        switch first.keyword ?? "" {
        case "SELECT":
            if let assignment = try translateSelectAssignment(tokens) { return one(assignment) }
            var rewriter = TSQLRewriter(variables: variables)
            let (sql, columns) = try rewriter.rewriteSelect(tokens)
            return one(.query(PostgresQuery(sql: sql, parameters: rewriter.parameters, columns: columns), .select))
        case "WITH":
            var rewriter = TSQLRewriter(variables: variables)
            let (sql, columns) = try rewriter.rewriteQuery(tokens)
            return one(.query(PostgresQuery(sql: sql, parameters: rewriter.parameters, columns: columns), .select))
        case "INSERT":
            if tokens.dropFirst().first?.isWord("BULK") == true { return one(try translateInsertBulk(tokens)) }
            return one(try translateInsert(tokens))
        case "UPDATE": return one(try translateUpdate(tokens))
        case "DELETE": return one(try translateDelete(tokens))
        case "CREATE":
            let action = try translateCreate(tokens)
            if case .createTable(_, let table) = action {
                knownTables[Self.regclassKey(schema: table.schema, name: table.name)] = table.columns
            }
            return one(action)
        case "DROP":
            if let what = tokens.dropFirst().first, what.isWord("PROC") || what.isWord("PROCEDURE") {
                return one(try translateDropProcedure(tokens))
            }
            return one(try translateDrop(tokens))
        case "ALTER": return one(try translateAlter(tokens))
        case "TRUNCATE":
            var rewriter = TSQLRewriter(variables: variables)
            return one(.query(PostgresQuery(sql: try rewriter.rewrite(tokens)), .ddl))
        case "BEGIN", "COMMIT", "ROLLBACK", "SAVE":
            return one(try translateTransaction(tokens))
        case "SET": return one(try translateSet(tokens))
        case "DECLARE": return try translateDeclare(tokens)
        case "PRINT":
            var rewriter = TSQLRewriter(variables: variables)
            let sql = "SELECT CAST((" + (try rewriter.rewrite(tokens.dropFirst())) + ") AS text)"
            return one(.print(PostgresQuery(sql: sql, parameters: rewriter.parameters)))
        case "EXEC", "EXECUTE":
            var cursor = TSQLTokenCursor(tokens: tokens.dropFirst())
            var statusVariable: TSQLToken?
            if cursor.current?.kind == .variable, cursor.peek(1)?.isSymbol("=") == true {
                statusVariable = cursor.current
                cursor.position += 2
            }
            guard cursor.current?.isIdentifier == true else {
                throw .unsupported("EXEC of a string or variable", line: line)
            }
            let name = try cursor.readQualifiedName()
            if name.last?.text.lowercased() == "sp_executesql" {
                return one(try translateExecuteSQL(tokens[cursor.position...]))
            }
            return one(
                try translateProcedureCall(
                    name: name, statusVariable: statusVariable, arguments: tokens[cursor.position...]))
        case "USE":
            guard tokens.count == 2, let database = tokens.last, database.isIdentifier else {
                throw .incorrectSyntax(near: tokens.dropFirst().first ?? first)
            }
            return one(.use(database.text))
        case "WAITFOR": return one(try translateWaitFor(tokens))
        case "RETURN":
            guard tokens.count == 1 else { return one(try translateReturnValue(tokens)) }
            return one(.returnFromBatch)
        case "RAISERROR", "THROW": return one(try translateRaise(tokens))
        case "BREAK", "CONTINUE":
            guard loopDepth > 0, tokens.count == 1 else {
                throw SQLServerMessage(
                    number: 135, severity: 15,
                    message:
                        "Cannot use a \(first.text.uppercased()) statement outside the scope of a WHILE statement.",
                    line: line)
            }
            return one(first.isWord("BREAK") ? .breakLoop : .continueLoop)
        case "MERGE": return one(try translateMerge(tokens))
        case "GOTO", "GRANT", "REVOKE", "DENY":
            throw .unsupported(first.text.uppercased(), line: line)
        default:
            throw .incorrectSyntax(near: first)
        }
    }

    /// The arguments of `EXEC sp_executesql`: `[@name =] value [OUTPUT]`, values being literals or variables.
    private func translateExecuteSQL(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var arguments: [ExecuteArgument] = []
        for item in TSQLRewriter.splitAtCommas(tokens) {
            let argument = try Self.splitArgument(item, in: tokens)
            var rewriter = TSQLRewriter(variables: variables)
            let sql = "SELECT " + (try rewriter.rewrite(argument.value))
            arguments.append(
                ExecuteArgument(
                    name: argument.name, value: PostgresQuery(sql: sql, parameters: rewriter.parameters),
                    outputVariable: argument.outputVariable?.text.lowercased()))
        }
        return .executeSQL(arguments: arguments)
    }

    /// `WAITFOR DELAY 'hh:mm:ss[.fff]'` → `pg_sleep`.
    private func translateWaitFor(
        _ tokens: ArraySlice<TSQLToken>
    ) throws(SQLServerMessage) -> TranslatedStatement.Action {
        var cursor = TSQLTokenCursor(tokens: tokens.dropFirst())
        guard cursor.skip(word: "DELAY") else { throw .unsupported("WAITFOR without DELAY", line: tokens.first!.line) }
        guard let value = cursor.next(), case .string = value.kind, cursor.isAtEnd,
            let seconds = Self.delaySeconds(value.text)
        else { throw cursor.syntaxError() }
        return .query(PostgresQuery(sql: "SELECT pg_sleep(\(seconds))"), .silent)
    }

    /// Seconds in `hh:mm[:ss[.fff]]`.
    static func delaySeconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let hours = Int(parts[0]), let minutes = Int(parts[1]) else { return nil }
        let seconds = parts.count == 3 ? Double(parts[2]) : 0
        guard let seconds, hours >= 0, minutes >= 0, seconds >= 0 else { return nil }
        return Double(hours * 3600 + minutes * 60) + seconds
    }
}
