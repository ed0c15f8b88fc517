/// A statement of a batch as the splitter found it: a simple statement, a `BEGIN … END` block or an
/// `IF … [ELSE …]`.
indirect enum TSQLStatementNode: Sendable, Hashable {
    /// One statement's tokens, without a terminating `;`.
    case simple([TSQLToken])
    /// `BEGIN … END`: the statements of the block.
    case block([TSQLStatementNode], line: Int)
    /// `IF condition statement [ELSE statement]`.
    case ifElse(condition: [TSQLToken], then: TSQLStatementNode, otherwise: TSQLStatementNode?, line: Int)
    /// `BEGIN TRY … END TRY BEGIN CATCH … END CATCH`.
    case tryCatch(body: [TSQLStatementNode], handler: [TSQLStatementNode], line: Int)
    /// `WHILE condition statement`.
    case whileLoop(condition: [TSQLToken], body: TSQLStatementNode, line: Int)

    /// The 1-based line on which the statement starts.
    var line: Int {
        switch self {
        case .simple(let tokens): return tokens.first?.line ?? 1
        case .block(_, let line), .ifElse(_, _, _, let line), .whileLoop(_, _, let line),
            .tryCatch(_, _, let line):
            return line
        }
    }
}
