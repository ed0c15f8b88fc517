import DBCore
import Foundation
import TDSSandbox
import Testing

@Suite("Engine: RPC")
struct EngineRPCTests {
    private func text(_ value: String) -> RPCParameter {
        RPCParameter(name: "", type: .nvarchar(nil), value: .string(value))
    }

    @Test func executeSQLWithOutputParameters() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.rpc(
            "sp_executesql",
            [
                text("SET @total = @price * @qty SELECT @name AS Name"),
                text("@name nvarchar(20), @price decimal(12,2), @qty int, @total decimal(12,2) OUTPUT"),
                RPCParameter(name: "", type: .nvarchar(20), value: .string("widget")),
                RPCParameter(name: "", type: .decimal(precision: 12, scale: 2), value: .decimal(SQLDecimal("2.50")!)),
                RPCParameter(name: "@qty", type: .int, value: .int(4)),
                RPCParameter(name: "@total", type: .decimal(precision: 12, scale: 2), value: .null, isOutput: true),
            ])
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.resultSets.first?.columns.first == ResultColumn(name: "Name", type: .nvarchar(20)))
        #expect(result.scalar == .string("widget"))
        let outputs = result.events.compactMap { event -> (RPCParameter, Int)? in
            if case .returnValue(let parameter, let ordinal) = event { return (parameter, ordinal) }
            return nil
        }
        #expect(outputs.count == 1)
        #expect(outputs.first?.0.value == .decimal(SQLDecimal("10.00")!))
        #expect(outputs.first?.1 == 5)
        guard case .returnStatus(0)? = result.events.last else {
            Issue.record("RETURNSTATUS 0 must end the RPC")
            return
        }
    }

    /// The parameters as the MSSQLDriver sends them (named @stmt/@params, UUID as text, DATE as DATETIME2, empty
    /// values as NULL plus `SET @Pn = N''` in the statement).
    @Test func theDriversParameterShapes() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let uuid = UUID()
        let values: [(TSQLType, SQLValue)] = [
            (.nvarchar(4000), .string("héllo 日本 🌍")), (.bigint, .int(-9_000_000_000)), (.bit, .bool(true)),
            (.float, .double(2.5)),
            (.decimal(precision: 38, scale: 10), .decimal(SQLDecimal("12345678901234567890123456.7890123456")!)),
            (.varbinary(nil), .bytes([0, 1, 2, 255])),
            (.datetime2(scale: 7), .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.123456")!)),
            (.datetime2(scale: 7), .timestamp(SQLTimestamp(iso: "0001-01-01 00:00:00")!)),
            (.time(scale: 7), .time(SQLTime(iso: "23:59:59.999999")!)),
            (.datetimeoffset(scale: 7), .timestampTZ(SQLTimestampTZ(iso: "2024-01-01 01:30:00.5+05:30")!)),
            (.varchar(36), .string(uuid.uuidString)), (.nvarchar(4000), .null), (.nvarchar(4000), .null),
            (.varbinary(nil), .null),
        ]
        var parameters = [
            RPCParameter(
                name: "@stmt", type: .nvarchar(nil),
                value: .string(
                    "SET @P13 = N''; SET @P14 = 0x; SELECT @P1, @P2, @P3, @P4, @P5, @P6, @P7, @P8, @P9, @P10, @P11, @P12, @P13, @P14"
                )),
            RPCParameter(
                name: "@params", type: .nvarchar(nil),
                value: .string(
                    "@P1 NVARCHAR(4000), @P2 BIGINT, @P3 BIT, @P4 FLOAT, @P5 DECIMAL(36,10), @P6 VARBINARY(MAX), "
                        + "@P7 DATETIME2(7), @P8 DATE, @P9 TIME(7), @P10 DATETIMEOFFSET(7), @P11 UNIQUEIDENTIFIER, "
                        + "@P12 NVARCHAR(4000), @P13 NVARCHAR(4000), @P14 VARBINARY(MAX)")),
        ]
        for (index, (type, value)) in values.enumerated() {
            parameters.append(RPCParameter(name: "@P\(index + 1)", type: type, value: value))
        }
        let result = try engine.rpc("sp_executesql", parameters)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let set = try #require(result.resultSets.first)
        #expect(
            set.columns.map(\.type) == [
                .nvarchar(4000), .bigint, .bit, .float, .decimal(precision: 36, scale: 10), .varbinary(nil),
                .datetime2(scale: 7),
                .date, .time(scale: 7), .datetimeoffset(scale: 7), .uniqueidentifier, .nvarchar(4000), .nvarchar(4000),
                .varbinary(nil),
            ])
        #expect(
            set.rows.first == [
                .string("héllo 日本 🌍"), .int(-9_000_000_000), .bool(true), .double(2.5),
                .decimal(SQLDecimal("12345678901234567890123456.7890123456")!), .bytes([0, 1, 2, 255]),
                .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.123456")!),
                .date(SQLDate(year: 1, month: 1, day: 1)!),
                .time(SQLTime(iso: "23:59:59.999999")!),
                .timestampTZ(SQLTimestampTZ(iso: "2024-01-01 01:30:00.5+05:30")!),
                .uuid(uuid), .null, .string(""), .bytes([]),
            ])
        let sevenDigits = try engine.rpc(
            "sp_executesql",
            [
                RPCParameter(name: "@stmt", type: .nvarchar(nil), value: .string("SELECT @P1")),
                RPCParameter(name: "@params", type: .nvarchar(nil), value: .string("@P1 DATETIME2(7)")),
                RPCParameter(
                    name: "@P1", type: .datetime2(scale: 7),
                    value: .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:30.1234567")!)),
            ])
        #expect(sevenDigits.errors.first?.number == 241)
    }

    @Test func executeSQLInsideABatch() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let result = try engine.ok(
            """
            CREATE TABLE T (Id int, Name nvarchar(10))
            DECLARE @count int
            EXEC sp_executesql N'INSERT T VALUES (@id, @name)', N'@id int, @name nvarchar(10)', @id = 7, @name = N'seven'
            EXEC sp_executesql N'SELECT @c = COUNT(*) FROM T', N'@c int OUTPUT', @c = @count OUTPUT
            SELECT @count AS n, Name FROM T
            """)
        #expect(result.resultSets.last?.rows == [[.int(1), .string("seven")]])
        #expect(result.events.contains { if case .statementDone(1, true) = $0 { return true } else { return false } })
    }

    @Test func missingParameterAndUnknownProcedure() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let missing = try engine.rpc("sp_executesql", [text("SELECT @a"), text("@a int")])
        #expect(missing.errors.first?.number == 8178)
        let unknown = try engine.rpc("sp_nothing", [])
        #expect(unknown.errors.first?.number == 2812)
    }

    @Test func prepareExecuteUnprepare() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok("CREATE TABLE T (id int, name nvarchar(10))")
        let prepared = try engine.rpc(
            "sp_prepare",
            [
                RPCParameter(name: "@handle", type: .int, value: .null, isOutput: true),
                text("@P1 int, @P2 nvarchar(10)"), text("INSERT T VALUES (@P1, @P2)"),
            ])
        guard
            case .returnValue(let handleParameter, 0)? = prepared.events.first(where: {
                if case .returnValue = $0 { return true } else { return false }
            }), case .int(let handle) = handleParameter.value
        else {
            Issue.record("sp_prepare returns the handle")
            return
        }
        for (id, name) in [(1, "one"), (2, "two")] {
            let executed = try engine.rpc(
                "12",
                [
                    RPCParameter(name: "", type: .int, value: .int(handle)),
                    RPCParameter(name: "", type: .int, value: .int(Int64(id))),
                    RPCParameter(name: "", type: .nvarchar(10), value: .string(name)),
                ])
            #expect(executed.errors.isEmpty, "\(executed.errors)")
            #expect(executed.doneCounts == [1])
        }
        #expect(try engine.ok("SELECT COUNT(*) FROM T").scalar == .int(2))
        let unprepared = try engine.rpc("sp_unprepare", [RPCParameter(name: "", type: .int, value: .int(handle))])
        #expect(unprepared.errors.isEmpty)
        let gone = try engine.rpc("sp_execute", [RPCParameter(name: "", type: .int, value: .int(handle))])
        #expect(gone.errors.first?.number == 8179)
    }
}

@Suite("Engine: sp_reset_connection")
struct EngineResetConnectionTests {
    @Test("rolls back the open transaction and forgets SET options and prepared handles")
    func resetsSessionState() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let table = "reset_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        _ = try engine.ok("CREATE TABLE \(table) (id int)")
        _ = try engine.ok("SET NOCOUNT ON SET IMPLICIT_TRANSACTIONS ON INSERT INTO \(table) VALUES (1)")
        #expect(try engine.ok("SELECT @@TRANCOUNT").scalar == .int(1))

        let reset = try engine.rpc("sp_reset_connection", [])
        #expect(reset.errors.isEmpty, "\(reset.errors)")
        #expect(
            reset.events.contains {
                if case .environmentChange(.rollbackTransaction) = $0 { return true } else { return false }
            })

        #expect(try engine.ok("SELECT @@TRANCOUNT").scalar == .int(0))
        #expect(try engine.ok("SELECT COUNT(*) FROM \(table)").scalar == .int(0))
        // NOCOUNT is off again: an INSERT reports its count.
        let insert = try engine.ok("INSERT INTO \(table) VALUES (2)")
        #expect(
            insert.events.contains { if case .statementDone(rowCount: 1, _) = $0 { return true } else { return false } }
        )
        _ = try engine.ok("DROP TABLE \(table)")
    }
}
