import DBCore
import Foundation
import Testing

/// The values both databases store, sent as parameters and read back identically.
@Suite("Conformance: type round trips")
struct TypeConformanceTests {
    /// Stores `values` then NULL in a column of `kind` and reads them back in order.
    func roundTrip(_ backend: Backend, _ kind: PortableType, _ values: [SQLValue]) throws {
        let conn = try backend.connect()
        defer { conn.close() }
        let table = try conn.makeTable("rt", "id INTEGER PRIMARY KEY, v \(backend.type(kind))")
        defer { _ = try? conn.run("DROP TABLE \(table)") }
        let cursor = try conn.cursor()
        try cursor.executeMany(
            "INSERT INTO \(table) (id, v) VALUES (%s, %s)",
            (values + [.null]).enumerated().map { [$0.offset, $0.element] as [(any SQLValueEncodable)?] })
        try cursor.execute("SELECT v FROM \(table) ORDER BY id")
        #expect(try cursor.fetchAll().map { $0[0] } == values + [.null], "\(backend) \(kind)")
        // The same values read in place through row views, every typed accessor consistent with them.
        try cursor.execute("SELECT v FROM \(table) ORDER BY id")
        let viewed = try readThroughViews(cursor)
        #expect(viewed.rows.map { $0[0] } == values + [.null], "\(backend) \(kind) through views")
        #expect(viewed.problems.isEmpty, "\(backend) \(kind): \(viewed.problems)")
    }

    @Test("integers, booleans, doubles and exact decimals", arguments: Backend.allCases)
    func numbers(_ backend: Backend) async throws {
        try await offPool {
            try roundTrip(backend, .int, [.int(.min), .int(.max), .int(0)])
            try roundTrip(backend, .bool, [.bool(true), .bool(false)])
            try roundTrip(backend, .double, [.double(0.1), .double(-1.5e300), .double(.leastNormalMagnitude)])
            try roundTrip(
                backend, .decimal(precision: 38, scale: 10),
                [
                    .decimal(SQLDecimal("1234567890123456789012345678.0123456789")!),
                    .decimal(SQLDecimal("-0.0000000001")!),
                ])
        }
    }

    @Test("strings with emoji, CJK and quotes; empty is not NULL", arguments: Backend.allCases)
    func strings(_ backend: Backend) async throws {
        try await offPool {
            let values: [SQLValue] = [
                .string("héllo wörld"), .string("日本語 中文 한국어"), .string("emoji 🌍🚀👍🏽"), .string("it's \"quoted\" \\ %s"),
                .string(""), .string(String(repeating: "long ✓ ", count: 3000)),
            ]
            try roundTrip(backend, .text, values)
            try roundTrip(backend, .shortText(40), Array(values.prefix(5)))
        }
    }

    @Test("bytes, empty bytes included", arguments: Backend.allCases)
    func bytes(_ backend: Backend) async throws {
        try await offPool {
            try roundTrip(
                backend, .bytes, [.bytes([0, 1, 2, 255]), .bytes([]), .bytes((0..<70_000).map { UInt8($0 % 251) })])
        }
    }

    @Test("dates, timestamps to the microsecond, UUIDs", arguments: Backend.allCases)
    func temporalAndUUID(_ backend: Backend) async throws {
        try await offPool {
            try roundTrip(
                backend, .date,
                [
                    .date(SQLDate(iso: "0001-01-01")!), .date(SQLDate(iso: "2024-02-29")!),
                    .date(SQLDate(iso: "9999-12-31")!),
                ])
            try roundTrip(
                backend, .timestamp,
                [
                    .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.123456")!),
                    .timestamp(SQLTimestamp(iso: "1999-12-31 23:59:59")!),
                ])
            try roundTrip(
                backend, .uuid, [.uuid(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!), .uuid(UUID())])
        }
    }

    @Test("Swift types bind and read back through SQLValueConvertible", arguments: Backend.allCases)
    func swiftTypes(_ backend: Backend) async throws {
        try await offPool {
            let conn = try backend.connect()
            defer { conn.close() }
            let uuid = UUID()
            let row = try #require(
                try conn.query(
                    "SELECT \(bind: 42), \(bind: "text"), \(bind: true), \(bind: 2.5), \(bind: uuid), \(bind: nil as Int?)"
                ).first)
            #expect(try row.get(Int.self, at: 0) == 42)
            #expect(try row.get(String.self, at: 1) == "text")
            #expect(try row.get(Bool.self, at: 2) == true)
            #expect(try row.get(Double.self, at: 3) == 2.5)
            #expect(try row.get(UUID.self, at: 4) == uuid)
            #expect(try row.get(Int?.self, at: 5) == nil)
        }
    }
}
