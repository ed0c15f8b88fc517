import DBCore
import Foundation
import Testing

@Suite("SQLQuery interpolation")
struct SQLQueryTests {
    @Test func bindBecomesDialectPlaceholders() {
        let name = "banana"
        let quantity = 150
        let query: SQLQuery = "INSERT INTO inventory (name, quantity) VALUES (\(bind: name), \(bind: quantity))"
        #expect(
            query.bound(for: .postgresql)
                == BoundStatement(
                    sql: "INSERT INTO inventory (name, quantity) VALUES ($1, $2)",
                    parameters: [.string("banana"), .int(150)]))
        #expect(
            query.bound(for: .sqlServer)
                == BoundStatement(
                    sql: "INSERT INTO inventory (name, quantity) VALUES (@P1, @P2)",
                    parameters: [.string("banana"), .int(150)]))
    }

    @Test func everyBindIsItsOwnParameter() {
        let id = 3
        let query: SQLQuery = "SELECT * FROM t WHERE a = \(bind: id) OR b = \(bind: id)"
        #expect(query.bound(for: .postgresql).sql == "SELECT * FROM t WHERE a = $1 OR b = $2")
        #expect(query.bound(for: .postgresql).parameters == [.int(3), .int(3)])
    }

    @Test func nilAndOptionalsBindAsNull() {
        let missing: String? = nil
        let present: Double? = 1.5
        let query: SQLQuery = "UPDATE t SET a = \(bind: missing), b = \(bind: present), c = \(bind: nil)"
        #expect(query.bound(for: .sqlServer).parameters == [.null, .double(1.5), .null])
    }

    @Test func richValuesKeepTheirType() throws {
        let uuid = UUID()
        let amount = try #require(SQLDecimal("19.99"))
        let bytes: [UInt8] = [1, 2]
        let json = SQLJSON(#"{"a":1}"#)
        let query: SQLQuery = "VALUES (\(bind: uuid), \(bind: amount), \(bind: bytes), \(bind: json), \(bind: true))"
        #expect(
            query.bound(for: .postgresql).parameters
                == [.uuid(uuid), .decimal(amount), .bytes([1, 2]), .json(#"{"a":1}"#), .bool(true)])
    }

    @Test func unsafeRawIsInlined() {
        let table = "inventory_2024"
        let limit = 10
        let query: SQLQuery = "SELECT * FROM \(unsafeRaw: table) LIMIT \(bind: limit)"
        #expect(
            query.bound(for: .postgresql)
                == BoundStatement(
                    sql: "SELECT * FROM inventory_2024 LIMIT $1",
                    parameters: [.int(10)]))
        #expect(
            query.fragments == [
                .sql("SELECT * FROM "), .sql("inventory_2024"), .sql(" LIMIT "),
                .parameter(.int(10)),
            ])
    }

    @Test func percentIsNotSpecial() {
        let pattern = "a%"
        let query: SQLQuery = "SELECT '%s', 100 % 7 WHERE name LIKE \(bind: pattern)"
        #expect(query.bound(for: .postgresql).sql == "SELECT '%s', 100 % 7 WHERE name LIKE $1")
        let literal: SQLQuery = "SELECT '%%'"
        #expect(literal.bound(for: .sqlServer) == BoundStatement(sql: "SELECT '%%'"))
    }

    @Test func fragmentsInit() {
        let query = SQLQuery(fragments: [.sql("SELECT "), .parameter(.int(1)), .sql(" + "), .parameter(.int(2))])
        #expect(query.bound(for: .sqlServer).sql == "SELECT @P1 + @P2")
    }

    @Test func dialects() {
        #expect(SQLDialect.postgresql.placeholder(12) == "$12")
        #expect(SQLDialect.sqlServer.placeholder(12) == "@P12")
        #expect(SQLDialect.postgresql.backend == .postgresql)
        #expect(SQLDialect.sqlServer.backend == .sqlServer)
    }
}
