import DBCore
import Testing

@Suite("SQLValue and integers")
struct SQLValueIntegerTests {
    /// Checks one integer type: binding, reading in range, the edges, overflow, bools, decimals and NULL.
    func check<I: SQLIntegerConvertible>(_ type: I.Type, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(I(7).sqlValue == .int(7), sourceLocation: sourceLocation)
        #expect(try I(sqlValue: .int(7)) == 7, sourceLocation: sourceLocation)
        #expect(try I(sqlValue: .bool(true)) == 1, sourceLocation: sourceLocation)
        #expect(try I(sqlValue: .bool(false)) == 0, sourceLocation: sourceLocation)
        #expect(try I(sqlValue: .decimal(SQLDecimal("42.000")!)) == 42, sourceLocation: sourceLocation)
        if let max = Int64(exactly: I.max) {
            #expect(try I(sqlValue: .int(max)) == I.max, sourceLocation: sourceLocation)
            if max < Int64.max {
                expectMismatch(["out of range"], sourceLocation: sourceLocation) { _ = try I(sqlValue: .int(max + 1)) }
            }
        }
        let min = Int64(exactly: I.min)!
        #expect(try I(sqlValue: .int(min)) == I.min, sourceLocation: sourceLocation)
        if min > Int64.min {
            expectMismatch(["out of range", "\(min - 1)"], sourceLocation: sourceLocation) {
                _ = try I(sqlValue: .int(min - 1))
            }
        }
        expectMismatch(["not an integer"], sourceLocation: sourceLocation) {
            _ = try I(sqlValue: .decimal(SQLDecimal("1.5")!))
        }
        expectMismatch(["NULL", "\(I.self)"], sourceLocation: sourceLocation) { _ = try I(sqlValue: .null) }
        expectMismatch(["string"], sourceLocation: sourceLocation) { _ = try I(sqlValue: .string("1")) }
        expectMismatch(["double"], sourceLocation: sourceLocation) { _ = try I(sqlValue: .double(1)) }
        #expect(try I?(sqlValue: .null) == nil, sourceLocation: sourceLocation)
        #expect(try I?(sqlValue: .int(3)) == 3, sourceLocation: sourceLocation)
        #expect((nil as I?).sqlValue == .null, sourceLocation: sourceLocation)
    }

    @Test func signed() throws {
        try check(Int.self)
        try check(Int8.self)
        try check(Int16.self)
        try check(Int32.self)
        try check(Int64.self)
    }

    @Test func unsigned() throws {
        try check(UInt.self)
        try check(UInt8.self)
        try check(UInt16.self)
        try check(UInt32.self)
        try check(UInt64.self)
    }

    @Test func bigUnsignedValuesTravelAsDecimals() throws {
        #expect(UInt64.max.sqlValue == .decimal(SQLDecimal("18446744073709551615")!))
        #expect(try UInt64(sqlValue: UInt64.max.sqlValue) == UInt64.max)
        #expect(UInt64(Int64.max).sqlValue == .int(Int64.max))
        expectMismatch(["not an integer in range"]) {
            _ = try UInt64(sqlValue: .decimal(SQLDecimal("18446744073709551616")!))
        }
        expectMismatch(["out of range"]) { _ = try UInt64(sqlValue: .int(-1)) }
        expectMismatch(["not an integer in range"]) {
            _ = try Int64(sqlValue: .decimal(SQLDecimal("9223372036854775808")!))
        }
        #expect(try Int64(sqlValue: .decimal(SQLDecimal("-9223372036854775808")!)) == Int64.min)
        #expect(try UInt8(sqlValue: .decimal(SQLDecimal("-0.0")!)) == 0)
    }
}

/// Expects a `.typeMismatch` error whose message contains every string of `mentions`.
func expectMismatch(
    _ mentions: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected a type mismatch", sourceLocation: sourceLocation)
    } catch let error as DatabaseError {
        #expect(error.kind == .typeMismatch, "\(error)", sourceLocation: sourceLocation)
        for text in mentions {
            #expect(
                error.message.contains(text), "'\(error.message)' should mention '\(text)'",
                sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
