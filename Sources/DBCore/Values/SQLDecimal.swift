import Foundation

/// An exact decimal number of any precision, kept as its canonical decimal text.
///
/// PostgreSQL's `numeric` holds up to 131072 digits before the point and SQL Server's `DECIMAL(38, s)` 38
/// digits, more than `Double` (15–17 significant digits) and sometimes more than Foundation's `Decimal`
/// (38 digits) can hold. `SQLDecimal` never rounds: it stores the digits as text in canonical form
/// (optional `-`, digits, optional `.` and fraction digits; no exponent, no leading `+`, no redundant leading zeros).
/// The scale written is kept: `1.50` stays `1.50`.
public struct SQLDecimal: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// The canonical decimal text, such as `-12345.6789`.
    public let description: String

    /// Creates a decimal from text such as `"-12.50"`, `"+3"`, `".5"` or `"1e3"`; returns `nil` for anything that is
    /// not a finite decimal number. PostgreSQL's special `NaN`, `Infinity` and `-Infinity` are not decimals here.
    public init?(_ text: String) {
        if SQLDecimal.isCanonical(text) {
            self.description = text
            return
        }
        guard let canonical = SQLDecimal.canonicalize(text) else { return nil }
        self.description = canonical
    }

    /// Creates a decimal from Foundation's `Decimal`, exactly.
    public init(_ decimal: Decimal) {
        // Decimal's description is exact and plain (no exponent), e.g. "-0.0001" or "12345678901234567890".
        self.description = SQLDecimal.canonicalize(decimal.description) ?? "0"
    }

    /// Creates a decimal from an integer.
    public init<I: BinaryInteger>(_ integer: I) {
        self.description = String(integer)
    }

    /// Whether the number is negative.
    public var isNegative: Bool { description.hasPrefix("-") }

    /// The digits after the decimal point.
    public var scale: Int {
        guard let dot = description.firstIndex(of: ".") else { return 0 }
        return description.distance(from: dot, to: description.endIndex) - 1
    }

    /// All significant digits, before and after the point (at least 1).
    public var precision: Int {
        let digits = description.filter(\.isNumber)
        let trimmed = digits.drop(while: { $0 == "0" })
        return max(trimmed.count, scale, 1)
    }

    /// Foundation's `Decimal` with the same value, or `nil` when the value has more digits than `Decimal` holds
    /// exactly (38) and converting would round.
    public var decimalValue: Decimal? {
        guard let value = Decimal(string: description, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return SQLDecimal(value) == self.normalized ? value : nil
    }

    /// The same number with trailing fraction zeros removed (`1.50` → `1.5`, `2.0` → `2`).
    public var normalized: SQLDecimal {
        guard description.contains(".") else { return self }
        var text = description
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        if text == "-0" { text = "0" }
        return SQLDecimal(canonical: text)
    }

    private init(canonical: String) { self.description = canonical }

    /// Validates `text` and returns it in canonical form, or `nil`.
    static func canonicalize(_ text: String) -> String? {
        var scalars = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        var exponent = 0
        if let e = scalars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(scalars[scalars.index(after: e)...]), abs(value) < 1_000_000 else { return nil }
            exponent = value
            scalars = scalars[..<e]
        }
        var integerPart = ""
        var fractionPart = ""
        var seenDot = false
        for character in scalars {
            if character == "." {
                if seenDot { return nil }
                seenDot = true
            } else if let ascii = character.asciiValue, ascii >= 48, ascii <= 57 {
                if seenDot { fractionPart.append(character) } else { integerPart.append(character) }
            } else {
                return nil
            }
        }
        if integerPart.isEmpty && fractionPart.isEmpty { return nil }
        if exponent > 0 {
            let moved = min(exponent, fractionPart.count)
            integerPart += fractionPart.prefix(moved)
            fractionPart = String(fractionPart.dropFirst(moved))
            integerPart += String(repeating: "0", count: exponent - moved)
        } else if exponent < 0 {
            let moved = min(-exponent, integerPart.count)
            fractionPart = String(integerPart.suffix(moved)) + fractionPart
            integerPart = String(integerPart.dropLast(moved))
            fractionPart = String(repeating: "0", count: -exponent - moved) + fractionPart
        }
        let trimmedInteger = integerPart.drop(while: { $0 == "0" })
        var result = trimmedInteger.isEmpty ? "0" : String(trimmedInteger)
        if !fractionPart.isEmpty { result += "." + fractionPart }
        let isZero = !result.contains(where: { $0 != "0" && $0 != "." })
        if negative && !isZero { result = "-" + result }
        return result
    }
}

extension SQLDecimal: Comparable {
    /// Numeric order.
    public static func < (lhs: SQLDecimal, rhs: SQLDecimal) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let magnitudeLess = SQLDecimal.magnitudeLess(lhs.normalized.description, rhs.normalized.description)
        let magnitudeGreater = SQLDecimal.magnitudeLess(rhs.normalized.description, lhs.normalized.description)
        return lhs.isNegative ? magnitudeGreater : magnitudeLess
    }

    private static func magnitudeLess(_ a: String, _ b: String) -> Bool {
        func split(_ s: String) -> (Substring, Substring) {
            let body = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
            guard let dot = body.firstIndex(of: ".") else { return (body, "") }
            return (body[..<dot], body[body.index(after: dot)...])
        }
        let (ai, af) = split(a)
        let (bi, bf) = split(b)
        if ai.count != bi.count { return ai.count < bi.count }
        if ai != bi { return ai < bi }
        let width = max(af.count, bf.count)
        let pa = af + String(repeating: "0", count: width - af.count)
        let pb = bf + String(repeating: "0", count: width - bf.count)
        return pa < pb
    }
}
