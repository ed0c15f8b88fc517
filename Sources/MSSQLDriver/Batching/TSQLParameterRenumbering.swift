import DBCore
import SQLLexing

/// Renumbers the `@P1`, `@P2`, … parameters of a T-SQL statement (`@P3` → `@P13` with an offset of 10), leaving
/// string literals, quoted identifiers (`"…"`, `[…]`) and comments (`-- …`, nested `/* … */`) untouched
/// (`TSQLTokenizer`, module SQLLexing, finds the placeholders).
///
/// Used to repeat one statement, or one row constructor, for many parameter sets inside a single `sp_executesql`
/// call.
struct TSQLParameterRenumbering {
    /// The statement cut at each parameter: the text before it, and the parameter's number (1-based).
    private var pieces: [(text: String, number: Int?)] = []

    /// Splits `sql` once; ``render(offset:nulls:)`` is then cheap for every set.
    init(_ sql: String) {
        self.init(TSQLTokenizer(sql), range: nil)
    }

    /// Splits the tokens of `tokenizer` within `range` (all of them when `nil`).
    init(_ tokenizer: TSQLTokenizer, range: Range<Int>?) {
        let range = range ?? 0..<tokenizer.bytes.count
        var pieceStart = range.lowerBound
        for token in tokenizer.tokens where range.contains(token.range.lowerBound) {
            guard case .parameter(let number) = token.kind else { continue }
            pieces.append((tokenizer.text(pieceStart..<token.range.lowerBound), number))
            pieceStart = token.range.upperBound
        }
        pieces.append((tokenizer.text(pieceStart..<range.upperBound), nil))
    }

    /// The highest `@Pn` number the statement uses (0 without parameters): every parameter set needs that many
    /// values.
    var highestNumber: Int { pieces.compactMap(\.number).max() ?? 0 }

    /// Throws ``DatabaseError/Kind/invalidParameters`` when a set has fewer values than the statement's highest
    /// `@Pn`: its placeholders would otherwise take values of the next set in a batched call.
    func checkSizes(_ parameterSets: [[SQLValue]]) throws {
        let needed = highestNumber
        guard let index = parameterSets.firstIndex(where: { $0.count < needed }) else { return }
        throw DatabaseError(
            kind: .invalidParameters,
            message:
                "parameter set \(index) has \(parameterSets[index].count) values; the statement uses @P1…@P\(needed)")
    }

    /// The statement with every `@Pn` written as `@P(n + offset)`, or as `NULL` when `n` is in `nulls` (a NULL
    /// parameter takes the type of where it is used, as ``MSSQLNullInlining`` explains).
    func render(offset: Int, nulls: Set<Int> = []) -> String {
        var out = ""
        render(into: &out, offset: offset) { nulls.contains($0) ? "NULL" : nil }
        return out
    }

    /// Appends the statement to `out` with every `@Pn` written as `literal(n)` when that is not `nil`, else as
    /// `@P(n + offset)`.
    func render(into out: inout String, offset: Int, literal: (Int) -> String?) {
        var builder = UTF8TextBuilder()
        render(into: &builder, offset: offset, literal: literal)
        out += builder.text
    }

    /// ``render(into:offset:literal:)`` into a ``UTF8TextBuilder``, for statements of thousands of rows.
    func render(into out: inout UTF8TextBuilder, offset: Int, literal: (Int) -> String?) {
        for piece in pieces {
            out.append(piece.text)
            guard let number = piece.number else { continue }
            if let text = literal(number) {
                out.append(text)
            } else {
                out.append("@P")
                out.append(decimal: number + offset)
            }
        }
    }
}
