import DBCore
import Foundation
import Testing

@Suite("SQLDecimal")
struct SQLDecimalTests {
    @Test(arguments: [
        ("0", "0"), ("-0", "0"), ("+3", "3"), ("007", "7"), (".5", "0.5"), ("-.5", "-0.5"), ("5.", "5"),
        ("1.50", "1.50"), ("-12.50", "-12.50"), ("0.000", "0.000"), ("-0.00", "0.00"), (" 42 ", "42"),
        ("1e3", "1000"), ("1.5E+2", "150"), ("12.345e1", "123.45"), ("1e-3", "0.001"), ("-25E-1", "-2.5"),
        ("123e-2", "1.23"), ("0.1e1", "1"),
        (
            "123456789012345678901234567890.123456789",
            "123456789012345678901234567890.123456789"
        ),
    ])
    func canonicalForms(input: String, canonical: String) throws {
        let value = try #require(SQLDecimal(input))
        #expect(value.description == canonical)
        #expect(SQLDecimal(value.description) == value)
    }

    @Test(arguments: [
        "", "-", "+", ".", "abc", "1.2.3", "1e", "e5", "1e1.5", "NaN", "Infinity", "-Infinity", "1,5",
        "١٢", "1 2", "0x10", "1e9999999",
    ])
    func rejectsNonDecimals(input: String) {
        #expect(SQLDecimal(input) == nil)
    }

    @Test func precisionAndScale() throws {
        func parts(_ text: String) throws -> (Int, Int) {
            let value = try #require(SQLDecimal(text))
            return (value.precision, value.scale)
        }
        #expect(try parts("123.45") == (5, 2))
        #expect(try parts("-0.001") == (3, 3))
        #expect(try parts("0") == (1, 0))
        #expect(try parts("1000") == (4, 0))
        #expect(try parts("1.50") == (3, 2))
        #expect(try parts("0.00") == (2, 2))
        #expect(try parts("12345678901234567890123456789012345678") == (38, 0))
    }

    @Test func fromIntegersAndDecimal() throws {
        #expect(SQLDecimal(Int64.min).description == "-9223372036854775808")
        #expect(SQLDecimal(UInt64.max).description == "18446744073709551615")
        #expect(SQLDecimal(Decimal(string: "-12.345")!).description == "-12.345")
        #expect(SQLDecimal(Decimal(string: "0.0001")!).description == "0.0001")
        #expect(SQLDecimal(Decimal(1000)).description == "1000")
        #expect(SQLDecimal(Decimal(0)).description == "0")
    }

    @Test func decimalValueIsExactOrNil() throws {
        #expect(try #require(SQLDecimal("-12.50")).decimalValue == Decimal(string: "-12.5"))
        let big = "12345678901234567890123456789012345678"
        #expect(try #require(SQLDecimal(big)).decimalValue == Decimal(string: big))
        #expect(try #require(SQLDecimal("0.000001")).decimalValue == Decimal(string: "0.000001"))
        // Decimal's mantissa is 128 bits (38 digits, some of 39): 40 and more significant digits do not fit.
        #expect(try #require(SQLDecimal("1234567890123456789012345678901234567891")).decimalValue == nil)
        #expect(try #require(SQLDecimal("1.2345678901234567890123456789012345678901")).decimalValue == nil)
        #expect(try #require(SQLDecimal("-99999999999999999999999999999999999999999")).decimalValue == nil)
        // Trailing zeros go to the exponent, so a long integer with few significant digits is still exact.
        let wide = "1" + String(repeating: "0", count: 45)
        #expect(try #require(SQLDecimal(wide)).decimalValue == Decimal(string: wide))
    }

    @Test func normalized() throws {
        #expect(try #require(SQLDecimal("1.500")).normalized.description == "1.5")
        #expect(try #require(SQLDecimal("2.000")).normalized.description == "2")
        #expect(try #require(SQLDecimal("-0.000")).normalized.description == "0")
        #expect(try #require(SQLDecimal("100")).normalized.description == "100")
    }

    @Test func ordering() throws {
        let texts = [
            "-100", "-2.5", "-2.25", "-0.001", "0", "0.001", "0.01", "0.1", "1", "1.05", "1.5", "9", "10",
            "99.99", "100",
        ]
        let values = try texts.map { try #require(SQLDecimal($0)) }
        #expect(values.shuffled().sorted() == values)
        for (a, b) in zip(values, values.dropFirst()) {
            #expect(a < b)
            #expect(!(b < a))
        }
        let a = try #require(SQLDecimal("1.50"))
        let b = try #require(SQLDecimal("1.5"))
        #expect(!(a < b) && !(b < a))
        #expect(a != b)  // the written scale is kept
        #expect(a.normalized == b.normalized)
    }

    @Test func losslessStringConvertible() throws {
        let value = try #require(SQLDecimal("-98765.4321"))
        #expect(SQLDecimal(String(describing: value)) == value)
        #expect(value.isNegative)
        #expect(try #require(SQLDecimal("0")).isNegative == false)
    }
}
