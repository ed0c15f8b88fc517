import DBCore
import Foundation
import TDSSandbox
import Testing

@testable import MSSQLDriver

/// The driver against the TDS sandbox's protocol layer with a scripted engine: real FreeTDS on a real socket, so
/// these check login, parameter encoding as the server decodes it, result decoding, errors, OUTPUT values and
/// cancel without needing PostgreSQL.
@Suite("MSSQLDriver over the wire (scripted TDS sandbox)")
struct ScriptedWireTests {
    @Test("login, SELECT 1, ping, close")
    func loginAndSelect() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            #expect(connection.isAlive)
            #expect(!connection.autocommit)
            let rows = try connection.query("SELECT 1")
            #expect(rows.map { $0[0] } == [.int(1)])
            try connection.ping()
            connection.close()
            connection.close()
            #expect(connection.isClosed)
            #expect(!connection.isAlive)
            #expect { try connection.ping() } throws: { ($0 as? DatabaseError)?.kind == .connectionLost }
        }
    }

    @Test("a refused login is authenticationFailed with 18456")
    func badLogin() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            #expect { try MSSQLConnection.connect(sandbox.configuration(user: "intruder")) } throws: { error in
                let error = error as? DatabaseError
                return error?.kind == .authenticationFailed && error?.number == 18456
            }
        }
    }

    @Test("every parameter type reaches the server typed and comes back exactly")
    func parameterRoundTrip() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            let uuid = UUID()
            let values: [SQLValue] = [
                .string("héllo 日本 🌍"), .int(-9_000_000_000), .bool(true), .double(2.5),
                .decimal(SQLDecimal("12345678901234567890123456.7890123456")!), .bytes([0, 1, 2, 255]),
                .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.1234567")!),
                .date(SQLDate(year: 1, month: 1, day: 1)!),
                .time(SQLTime(iso: "23:59:59.9999999")!),
                .timestampTZ(SQLTimestampTZ(iso: "2024-01-01 01:30:00.5+05:30")!),
                .uuid(uuid), .null, .string(""), .bytes([]),
            ]
            let cursor = try connection.makeCursor()
            try cursor.execute(BoundStatement(sql: "SELECT x", parameters: values))
            let row = try #require(try cursor.fetchOne())
            // The scripted engine echoes parameters as received: a UUID travels as its text and a DATE as DATETIME2
            // (FreeTDS cannot send either type; a real server converts them to the declared UNIQUEIDENTIFIER / DATE).
            var expected = values
            expected[7] = .timestamp(
                SQLTimestamp(date: SQLDate(year: 1, month: 1, day: 1)!, time: SQLTime(nanosecondsSinceMidnight: 0)!))
            expected[10] = .string(uuid.uuidString)
            // Empty values go as NULL plus `SET @Pn = N''` in the statement (checked below), which only a real
            // engine runs.
            expected[12] = .null
            expected[13] = .null
            #expect(Array(row.values) == expected)
            #expect(try cursor.fetchOne() == nil)
            let received = try #require(sandbox.sessions.first?.receivedParameters.first)
            let stmt = received.first { $0.name == "@stmt" }?.value
            #expect(stmt == .string("SET @P13 = N''; SET @P14 = 0x; SELECT x"))
            let declared = received.first { $0.name == "@params" }?.value
            #expect(
                declared
                    == .string(
                        "@P1 NVARCHAR(4000), @P2 BIGINT, @P3 BIT, @P4 FLOAT, @P5 DECIMAL(36,10), @P6 VARBINARY(MAX), "
                            + "@P7 DATETIME2(7), @P8 DATE, @P9 TIME(7), @P10 DATETIMEOFFSET(7), @P11 UNIQUEIDENTIFIER, "
                            + "@P12 NVARCHAR(4000), @P13 NVARCHAR(4000), @P14 VARBINARY(MAX)"))
            let types = received.filter { $0.name.hasPrefix("@P") && Int($0.name.dropFirst(2)) != nil }.map(\.type)
            #expect(types[1] == .bigint)
            #expect(types[4] == .decimal(precision: 36, scale: 10))
            #expect(types[7] == .datetime2(scale: 7))
            #expect(types[9] == .datetimeoffset(scale: 7))
        }
    }

    @Test("an injection string is only a value")
    func injectionIsAValue() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            let cursor = try connection.cursor()
            let evil = "'); DROP TABLE users; --"
            try cursor.execute("SELECT %s", [evil])
            let value = try cursor.fetchOne()?[0]
            #expect(value == .string(evil), "got \(String(describing: value))")
            let stmt = sandbox.sessions.first?.receivedParameters.first?.first { $0.name == "@stmt" }?.value
            #expect(stmt == .string("SELECT @P1"))
        }
    }

    @Test("a 10 MB NVARCHAR(MAX) and VARBINARY(MAX) round-trip")
    func largeValues() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            let text = String(repeating: "日本語テキスト-", count: 10 * 1024 * 1024 / 22)
            let bytes = LargeValues.bytes(10 * 1024 * 1024)
            let rows = try connection.query("SELECT \(bind: text), \(bind: bytes)")
            let gotText = rows.first?[0]
            let gotBytes = rows.first?[1]
            if case .string(let got) = gotText {
                #expect(got.utf8.count == text.utf8.count)
            } else {
                Issue.record("\(String(describing: gotText).prefix(200))")
            }
            if case .bytes(let got) = gotBytes {
                #expect(got.count == bytes.count)
            } else {
                Issue.record("\(String(describing: gotBytes).prefix(200))")
            }
            #expect(gotText == .string(text))
            #expect(gotBytes == .bytes(bytes))
        }
    }

    @Test("server errors arrive typed with their number, and the connection stays usable")
    func serverErrors() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            let cursor = try connection.cursor()
            for (number, kind) in [
                (2627, DatabaseError.Kind.uniqueViolation), (208, .undefinedTable), (515, .notNullViolation),
            ] {
                #expect { try cursor.execute("SELECT ERROR \(number)") } throws: { error in
                    let error = error as? DatabaseError
                    return error?.kind == kind && error?.number == number && error?.severity == 16
                        && error?.statement == "SELECT ERROR \(number)"
                }
            }
            #expect { try cursor.execute("gibberish") } throws: { ($0 as? DatabaseError)?.kind == .syntaxError }
            try cursor.execute("SELECT 1")
            #expect(try cursor.fetchAll().count == 1)
        }
    }

    @Test("several result sets, row counts and notices")
    func multipleResults() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            let cursor = try connection.cursor()
            try cursor.execute("MULTI")
            #expect(cursor.columns?.map(\.name) == ["a"])
            #expect(cursor.columns?.first?.type == .int32)
            #expect(try cursor.fetchAll().map { $0[0] } == [.int(1), .int(2)])
            #expect(cursor.rowCount == 2)
            #expect(try cursor.nextResultSet())
            #expect(cursor.columns?.map(\.name) == ["b", "c"])
            #expect(try cursor.fetchOne().map { Array($0.values) } == [.string("x"), .bool(true)])
            #expect(try cursor.nextResultSet() == false)
            #expect(connection.takeNotices().map(\.message).contains("printed text"))
        }
    }

    @Test("a procedure's result sets, OUTPUT values and return status all arrive")
    func procedureOutputs() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            let result = try connection.callProcedure(
                "echo_proc",
                parameters: [
                    .input("@a", .string("in")), .output("@b", .int(21)), .output("@c", type: .string(maxLength: 100)),
                ])
            #expect(result.resultSets.count == 1)
            #expect(result.resultSets.first?.first?[0] == .int(5))
            #expect(result.returnStatus == 7)
            #expect(result.outputs["@b"] == .int(42))
            #expect(result.outputs["@c"] == .null)
        }
    }

    @Test("cancel() from another thread stops a running statement; the connection stays usable")
    func cancelFromAnotherThread() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            // The canceller repeats until the query returns: a single cancel sent at a fixed delay could land before
            // this thread even starts the statement (under load), and a cancel while nothing runs does nothing.
            let error = cancellingRepeatedly(connection) { _ = try connection.query("WAITFOR DELAY '00:01:00'") }
            #expect(error?.kind == .cancelled, "\(String(describing: error))")
            let rows = try connection.query("SELECT 1")
            #expect(rows.count == 1)
        }
    }

    @Test("the query timeout stops a long statement with .timeout; the connection stays usable")
    func queryTimeout() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration(queryTimeout: 1))
            #expect { try connection.query("WAITFOR DELAY '00:01:00'") } throws: {
                ($0 as? DatabaseError)?.kind == .timeout
            }
            #expect(try connection.query("SELECT 1").count == 1)
        }
    }

    @Test("eight threads connect and query at once")
    func concurrentConnections() async throws {
        let sandbox = try ScriptedSandbox()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let connection = try MSSQLConnection.connect(sandbox.configuration())
                    defer { connection.close() }
                    return try connection.query("SELECT 1").count
                }
            }
            var total = 0
            for try await count in group { total += count }
            #expect(total == 8)
        }
    }

    @Test("a server that goes away is connectionLost")
    func serverGone() async throws {
        try await offPool {
            let sandbox = try ScriptedSandbox()
            let connection = try MSSQLConnection.connect(sandbox.configuration())
            sandbox.server.stop()
            #expect { try connection.query("SELECT 1") } throws: { ($0 as? DatabaseError)?.kind == .connectionLost }
            #expect(!connection.isAlive)
        }
    }
}
