import SQLLexing

/// A statement that is exactly one `INSERT [INTO] <table> [(<columns>)] VALUES (<items>)` — the shape
/// ``MSSQLMultiRowExecuteMany`` can send for many parameter sets as one multi-row `VALUES (…), (…), …`.
///
/// Recognised with `TSQLTokenizer` (module SQLLexing): the table is a (possibly qualified, `[bracketed]` or
/// `"quoted"`) name that is not a variable, the optional column list holds names only, each item of the row is a
/// placeholder `@Pn`, a string or number literal (optionally signed), `NULL` or `DEFAULT`, and only semicolons,
/// whitespace or comments follow the closing parenthesis. Anything else — `INSERT … SELECT`, `OUTPUT`, table
/// hints, several row constructors, expressions, a second statement — is not this shape. (A `0x…` binary literal
/// counts as a number.)
struct MSSQLMultiRowInsert {
    /// The text up to and including `VALUES`, then a space.
    let head: String
    /// The row constructor `( … )`, ready to be repeated with renumbered placeholders.
    let row: TSQLParameterRenumbering

    /// Parses `sql`; `nil` when it is not a single plain `INSERT … VALUES (…)`.
    init?(_ sql: String) {
        self.init(TSQLTokenizer(sql))
    }

    /// Parses the tokens of a statement (``MSSQLBatchedExecuteMany`` lexes it once for this and the fallback).
    init?(_ tokenizer: TSQLTokenizer) {
        let tokens = tokenizer.tokens.filter { !$0.isTrivia }
        var index = 0
        func peek() -> TSQLTokenizer.Token? { index < tokens.count ? tokens[index] : nil }
        func keyword(_ word: StaticString) -> Bool {
            guard let token = peek(), tokenizer.isKeyword(token, word) else { return false }
            index += 1
            return true
        }
        func symbol(_ symbol: Unicode.Scalar) -> Bool {
            guard let token = peek(), tokenizer.isSymbol(token, symbol) else { return false }
            index += 1
            return true
        }
        /// A name part: a bracketed or quoted identifier, or a word that is not a variable nor a keyword that
        /// would start another clause.
        func namePart() -> Bool {
            guard let token = peek() else { return false }
            if token.kind == .quotedIdentifier {
                index += 1
                return true
            }
            guard token.kind == .word else { return false }
            for reserved: StaticString in ["VALUES", "SELECT", "DEFAULT", "OUTPUT", "WITH", "EXEC", "EXECUTE", "TOP"]
            where tokenizer.isKeyword(token, reserved) {
                return false
            }
            index += 1
            return true
        }

        guard keyword("INSERT") else { return nil }
        _ = keyword("INTO")
        // The table: parts separated by dots (`db..table` leaves a part out).
        guard namePart() else { return nil }
        while symbol(".") {
            if peek().map({ tokenizer.isSymbol($0, ".") }) == true { continue }
            guard namePart() else { return nil }
        }
        if symbol("(") {
            repeat {
                guard namePart() else { return nil }
            } while symbol(",")
            guard symbol(")") else { return nil }
        }
        guard let values = peek(), keyword("VALUES") else { return nil }
        guard let open = peek(), symbol("(") else { return nil }
        repeat {
            guard Self.item(tokens, &index, tokenizer) else { return nil }
        } while symbol(",")
        guard let close = peek(), symbol(")") else { return nil }
        while symbol(";") {}
        guard index == tokens.count else { return nil }
        head = tokenizer.text(0..<values.range.upperBound) + " "
        row = TSQLParameterRenumbering(tokenizer, range: open.range.lowerBound..<close.range.upperBound)
    }

    /// One item of the row: `@Pn`, `NULL`, `DEFAULT`, a string, or a number with an optional sign.
    private static func item(_ tokens: [TSQLTokenizer.Token], _ index: inout Int, _ tokenizer: TSQLTokenizer) -> Bool {
        guard index < tokens.count else { return false }
        var token = tokens[index]
        if tokenizer.isSymbol(token, "-") || tokenizer.isSymbol(token, "+") {
            index += 1
            guard index < tokens.count, tokens[index].kind == .number || tokens[index].kind == .binary else {
                return false
            }
            token = tokens[index]
        }
        switch token.kind {
        case .parameter, .string, .number, .binary:
            break
        case .word where tokenizer.isKeyword(token, "NULL") || tokenizer.isKeyword(token, "DEFAULT"):
            break
        default:
            return false
        }
        index += 1
        return true
    }
}
