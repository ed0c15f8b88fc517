import Foundation

/// What FreeTDS's `tsql` printed, parsed: the result tables (stdout: a tab-separated header line, the rows, then
/// `(n rows affected)`) and the server messages (stderr: `Msg n (severity s, state t) from SERVER Line l:` and the
/// quoted text on the next line).
struct TsqlOutput {
    struct Message: Hashable {
        var number: Int
        var severity: Int
        var state: Int
        var line: Int
        var text: String
    }

    var tables: [(header: [String], rows: [[String]])] = []
    var rowsAffected: [Int] = []
    var messages: [Message] = []
    /// The other stderr lines (PRINT output, locale notes).
    var otherStandardError: [String] = []

    var errors: [Message] { messages.filter { $0.severity > 10 } }

    /// What tsql printed, for failure messages.
    var printed: String

    init(standardOutput: String, standardError: String) {
        printed = standardOutput + "\n--- stderr ---\n" + standardError
        var current: (header: [String], rows: [[String]])?
        // Results start at the first prompt (before it: tsql's locale notes).
        let results = standardOutput.range(of: "1> ").map { standardOutput[$0.lowerBound...] } ?? ""
        for rawLine in results.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = Self.dropPrompts(String(rawLine))
            if line.isEmpty { continue }
            if let count = Self.affectedCount(line) {
                if let table = current { tables.append(table) }
                current = nil
                rowsAffected.append(count)
                continue
            }
            let fields = line.components(separatedBy: "\t")
            if current == nil {
                current = (fields, [])
            } else {
                current?.rows.append(fields)
            }
        }
        if let table = current { tables.append(table) }
        // tsql starts some message lines with a carriage return (it rewrites its prompt line).
        let errorLines = standardError.components(separatedBy: "\n").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
        var index = 0
        while index < errorLines.count {
            let line = errorLines[index]
            if let header = Self.messageHeader(line) {
                var text = index + 1 < errorLines.count ? errorLines[index + 1] : ""
                text = text.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
                    text = String(text.dropFirst().dropLast())
                }
                messages.append(
                    Message(number: header.0, severity: header.1, state: header.2, line: header.3, text: text))
                index += 2
                continue
            }
            if !line.isEmpty { otherStandardError.append(line) }
            index += 1
        }
    }

    /// Removes tsql's `1> 2> ` prompts from the start of a line.
    private static func dropPrompts(_ line: String) -> String {
        var rest = Substring(line)
        while let match = rest.prefixMatch(of: prompt) { rest = rest[match.range.upperBound...] }
        return rest.wholeMatch(of: lonePrompt) == nil ? String(rest) : ""
    }

    private nonisolated(unsafe) static let prompt = try! Regex("[0-9]+> ")
    private nonisolated(unsafe) static let lonePrompt = try! Regex("[0-9]+>")

    /// The count of a `(n rows affected)` / `(1 row affected)` line.
    private static func affectedCount(_ line: String) -> Int? {
        guard line.hasPrefix("("), line.hasSuffix(" affected)") else { return nil }
        return Int(line.dropFirst().prefix { $0.isNumber })
    }

    /// Number, severity, state and line of `Msg 208 (severity 16, state 1) from TDSSANDBOX Line 3:`.
    private static func messageHeader(_ line: String) -> (Int, Int, Int, Int)? {
        guard line.hasPrefix("Msg ") else { return nil }
        let numbers = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count >= 4, line.contains("Line ") else { return nil }
        return (numbers[0], numbers[1], numbers[2], numbers[numbers.count - 1])
    }
}
