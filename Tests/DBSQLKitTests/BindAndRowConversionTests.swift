import DBCore
import DBSQLKit
import Foundation
import MSSQLDriver
import SQLKit
import Testing

/// SQLKit binds become DBCore values by DBCore's rules, and rows decode by `Row.decode`'s rules (no server needed).
@Suite struct BindAndRowConversionTests {
    enum Mood: String, Codable { case happy, sad }
    struct Tags: Codable, Equatable { var colors: [String] }
    struct Wrapper: Encodable {
        let value: Int
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }

    let encoder = SQLValueEncoder()

    @Test func bindsConvertLikeDBCore() throws {
        #expect(try encoder.encode(42) == .int(42))
        #expect(try encoder.encode("x") == .string("x"))
        #expect(try encoder.encode(Optional<Int>.none) == .null)
        #expect(try encoder.encode(Mood.sad) == .string("sad"))
        #expect(try encoder.encode(Optional(Mood.happy)) == .string("happy"))
        #expect(try encoder.encode(Wrapper(value: 7)) == .int(7))
        #expect(try encoder.encode(Decimal(string: "1.10")!) == Decimal(string: "1.10")!.sqlValue)
        #expect(try encoder.encode(Tags(colors: ["red"])) == .json(#"{"colors":["red"]}"#))
        #expect(try encoder.encode([String]()) == .json("[]"))
        let id = UUID()
        #expect(try encoder.encode(id) == .uuid(id))
    }

    @Test func rowsDecodeByColumnName() throws {
        let columns = RowColumns(
            ["Mood", "tags", "price", "missing_value"].map {
                ColumnDescription(name: $0, type: DBCore.SQLDataType.string, nativeTypeName: "text", nativeTypeID: 25)
            })
        let row = DBSQLRow(
            Row(
                columns: columns,
                values: [
                    .string("happy"), .string(#"{"colors":["blue"]}"#), .string("12.50"), .null,
                ]))
        #expect(row.allColumns == ["Mood", "tags", "price", "missing_value"])
        #expect(try row.decode(column: "mood", as: Mood.self) == .happy)  // case-insensitive, as Row.decode
        #expect(try row.decode(column: "tags", as: Tags.self) == Tags(colors: ["blue"]))
        #expect(try row.decode(column: "price", as: Decimal.self) == Decimal(string: "12.5"))
        #expect(try row.decode(column: "missing_value", as: Int?.self) == nil)
        #expect(try row.decodeNil(column: "missing_value"))
        #expect(throws: DatabaseError.self) { try row.decode(column: "mood", as: Int.self) }
        #expect(throws: DatabaseError.self) { try row.decode(column: "nope", as: String.self) }
    }

    @Test func anUnrenderableStatementFailsBeforeAnyConnectionIsOpened() async throws {
        // Nothing listens on port 1: a statement that reached the pool would fail with connectionFailed.
        let pool = ConnectionPool(
            driver: MSSQLDriver(),
            configuration: ConnectionConfiguration(backend: .sqlServer, host: "127.0.0.1", port: 1, user: "u"))
        defer { pool.close() }
        let sql = pool.sql(queryLogLevel: nil)
        await #expect { try await sql.drop(table: "t").cascade().run() } throws: { error in
            (error as? DatabaseError)?.kind == .unsupported
        }
        #expect(pool.statistics.created == 0)
    }
}
