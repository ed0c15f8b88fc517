/// Splits a batch's tokens into statements. T-SQL needs no semicolons: a statement ends where, at parenthesis
/// depth 0 and outside `CASE … END`, a keyword starts the next one (`SELECT`, `INSERT`, `UPDATE`, `DELETE`,
/// `CREATE`, `DROP`, `ALTER`, `IF`, `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVE`, `SET`, `DECLARE`, `PRINT`, `EXEC`, `USE`,
/// `TRUNCATE`, `WAITFOR`, …), except where that keyword continues the statement (`INSERT … SELECT`,
/// `UNION SELECT`, `UPDATE … SET`, `ON DELETE`, a CTE's main statement, …). `WITH` starts a statement only at
/// the start of the batch or after `;`, as SQL Server requires.
struct TSQLStatementSplitter {
    private let tokens: [TSQLToken]
    private var index = 0

    /// The statements of a batch, in order.
    static func split(_ tokens: [TSQLToken]) throws(SQLServerMessage) -> [TSQLStatementNode] {
        var splitter = TSQLStatementSplitter(tokens: tokens)
        return try splitter.parseList(insideBlock: false)
    }

    private init(tokens: [TSQLToken]) {
        self.tokens = tokens
    }

    static let statementKeywords: Set<String> = [
        "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "IF", "BEGIN", "COMMIT", "ROLLBACK",
        "SAVE", "SET", "DECLARE", "PRINT", "EXEC", "EXECUTE", "USE", "TRUNCATE", "WAITFOR", "RETURN", "MERGE",
        "WHILE", "GRANT", "REVOKE", "DENY", "RAISERROR", "THROW", "GOTO", "BREAK", "CONTINUE",
    ]

    private func syntaxError(at position: Int) -> SQLServerMessage {
        let token = position < tokens.count ? tokens[position] : tokens.last
        return SQLServerMessage.incorrectSyntax(near: token)
    }

    private mutating func skipSemicolons() {
        while index < tokens.count, tokens[index].isSymbol(";") { index += 1 }
    }

    private mutating func parseList(insideBlock: Bool) throws(SQLServerMessage) -> [TSQLStatementNode] {
        var nodes: [TSQLStatementNode] = []
        while true {
            skipSemicolons()
            guard index < tokens.count else {
                if insideBlock { throw syntaxError(at: tokens.count) }
                return nodes
            }
            if tokens[index].isWord("END") {
                guard insideBlock else { throw syntaxError(at: index) }
                index += 1
                return nodes
            }
            nodes.append(try parseStatement())
        }
    }

    private mutating func parseStatement() throws(SQLServerMessage) -> TSQLStatementNode {
        skipSemicolons()
        guard index < tokens.count else { throw syntaxError(at: index) }
        let token = tokens[index]
        if token.isWord("IF") {
            index += 1
            let condition = collectSimple(first: "IF")
            guard !condition.isEmpty, index < tokens.count else { throw syntaxError(at: index) }
            let then = try parseStatement()
            var lookahead = index
            while lookahead < tokens.count, tokens[lookahead].isSymbol(";") { lookahead += 1 }
            var otherwise: TSQLStatementNode?
            if lookahead < tokens.count, tokens[lookahead].isWord("ELSE") {
                index = lookahead + 1
                otherwise = try parseStatement()
            }
            return .ifElse(condition: condition, then: then, otherwise: otherwise, line: token.line)
        }
        if token.isWord("WHILE") {
            index += 1
            let condition = collectSimple(first: "WHILE")
            guard !condition.isEmpty, index < tokens.count else { throw syntaxError(at: index) }
            return .whileLoop(condition: condition, body: try parseStatement(), line: token.line)
        }
        if token.isWord("BEGIN") {
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            if let next, next.isWord("TRY") {
                return try parseTryCatch(line: token.line)
            }
            if let next, next.isWord("CATCH") { throw syntaxError(at: index + 1) }
            let isTransaction = next.map { $0.isWord("TRAN") || $0.isWord("TRANSACTION") || $0.isWord("DISTRIBUTED") }
            if isTransaction != true {
                index += 1
                return .block(try parseList(insideBlock: true), line: token.line)
            }
        }
        if token.isWord("END") || token.isWord("ELSE") { throw syntaxError(at: index) }
        let first = token.keyword ?? ""
        let start = index
        index += 1
        var tokens = [self.tokens[start]]
        tokens += collectSimple(first: first)
        return .simple(tokens)
    }

    /// `BEGIN TRY … END TRY BEGIN CATCH … END CATCH`, from `BEGIN TRY`.
    private mutating func parseTryCatch(line: Int) throws(SQLServerMessage) -> TSQLStatementNode {
        index += 2
        let body = try parseList(insideBlock: true)
        guard index < tokens.count, tokens[index].isWord("TRY") else { throw syntaxError(at: index) }
        index += 1
        skipSemicolons()
        guard index + 1 < tokens.count, tokens[index].isWord("BEGIN"), tokens[index + 1].isWord("CATCH") else {
            throw syntaxError(at: index)
        }
        index += 2
        let handler = try parseList(insideBlock: true)
        guard index < tokens.count, tokens[index].isWord("CATCH") else { throw syntaxError(at: index) }
        index += 1
        return .tryCatch(body: body, handler: handler, line: line)
    }

    /// Collects tokens up to the end of the current simple statement (not consuming the terminator).
    private mutating func collectSimple(first: String) -> [TSQLToken] {
        var collected: [TSQLToken] = []
        var depth = 0
        var caseDepth = 0
        var state = ContinuationState(first: first)
        while index < tokens.count {
            let token = tokens[index]
            if token.isSymbol("(") {
                depth += 1
            } else if token.isSymbol(")") {
                depth -= 1
            } else if depth <= 0 {
                if token.isSymbol(";") { break }
                if token.isWord("CASE") {
                    caseDepth += 1
                } else if token.isWord("END") {
                    if caseDepth == 0 { break }
                    caseDepth -= 1
                } else if token.isWord("ELSE"), caseDepth == 0 {
                    break
                } else if caseDepth == 0, let keyword = token.keyword,
                    Self.statementKeywords.contains(keyword),
                    state.startsNewStatement(keyword, previous: collected.last)
                {
                    break
                }
                if let keyword = token.keyword { state.note(keyword) }
            }
            collected.append(token)
            index += 1
        }
        return collected
    }
}

/// What the splitter remembers of the current statement to tell whether a keyword continues it.
private struct ContinuationState {
    let first: String
    var valuesSeen = false
    var selectSeen = false
    var mainVerbSeen = false
    var setSeen = false

    init(first: String) {
        self.first = first
    }

    mutating func note(_ keyword: String) {
        switch keyword {
        case "VALUES": valuesSeen = true
        case "SELECT": selectSeen = true
        case "INSERT", "UPDATE", "DELETE", "MERGE": mainVerbSeen = true
        case "SET": setSeen = true
        default: break
        }
    }

    func startsNewStatement(_ keyword: String, previous: TSQLToken?) -> Bool {
        let previousKeyword = previous?.keyword ?? ""
        // MERGE's WHEN … THEN UPDATE / INSERT belong to it; T-SQL requires a MERGE to end with `;`.
        if first == "MERGE" { return false }
        switch keyword {
        case "SELECT":
            if ["UNION", "ALL", "EXCEPT", "INTERSECT", "AS", "FOR"].contains(previousKeyword) { return false }
            if previous?.isSymbol("(") == true { return false }
            if first == "INSERT" { return valuesSeen || selectSeen }
            if first == "WITH" { return mainVerbSeen || selectSeen }
            return true
        case "INSERT", "UPDATE", "DELETE", "MERGE":
            // `ON DELETE CASCADE`, `ON UPDATE SET NULL` at depth 0 (ALTER TABLE … ADD CONSTRAINT).
            if first == "ALTER" || first == "CREATE", ["ON", "FOR", "INSTEAD", "AFTER"].contains(previousKeyword) {
                return false
            }
            if first == "WITH" { return mainVerbSeen || selectSeen }
            if first == "GRANT" || first == "REVOKE" || first == "DENY" { return false }
            return true
        case "SET":
            if first == "ALTER" || first == "CREATE", ["DELETE", "UPDATE"].contains(previousKeyword) { return false }
            if first == "UPDATE" { return setSeen }
            if first == "ALTER" { return false }
            return true
        case "IF":
            // ALTER TABLE … DROP CONSTRAINT/COLUMN IF EXISTS
            if first == "ALTER", ["CONSTRAINT", "COLUMN"].contains(previousKeyword) { return false }
            return
                !(first == "DROP"
                && ["TABLE", "VIEW", "INDEX", "SCHEMA", "PROC", "PROCEDURE"].contains(previousKeyword))
        case "DROP", "ALTER":
            return first != "ALTER"
        case "EXEC", "EXECUTE":
            // `INSERT t [(cols)] EXEC p` continues; after `INSERT … VALUES (…)` or `INSERT … SELECT` an EXEC is the
            // next statement.
            if first == "INSERT" { return valuesSeen || selectSeen }
            return first != "GRANT"
        default:
            return true
        }
    }
}
