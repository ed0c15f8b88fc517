/// What the one lexer pass over a statement found, carried with the rewritten statement so that the driver need
/// not lex it again: where the native placeholders are and whether it holds several statements.
package struct StatementLayout: Sendable, Hashable {
    /// A native placeholder (`$n`, `@Pn`) written by the placeholder rewriting.
    package struct Placeholder: Sendable, Hashable {
        /// Its UTF-8 bytes within the rewritten SQL.
        package var range: Range<Int>
        /// Its 1-based parameter position (the `n`).
        package var position: Int

        /// Creates a placeholder.
        package init(range: Range<Int>, position: Int) {
            self.range = range
            self.position = position
        }
    }

    /// The native placeholders, in text order.
    package var placeholders: [Placeholder]
    /// Whether a `;` outside literals and comments is followed by more SQL.
    package var containsMultipleStatements: Bool

    /// Creates a layout.
    package init(placeholders: [Placeholder], containsMultipleStatements: Bool) {
        self.placeholders = placeholders
        self.containsMultipleStatements = containsMultipleStatements
    }
}
