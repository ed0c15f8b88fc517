import DBCore
import Foundation
import NIOCore
import PGDriver
import Testing

@testable import TDSSandbox

/// Rows read in place from PostgreSQL's result (`SandboxEvent.rowView`) encode to exactly the bytes of the
/// `SQLValue` path (`SandboxEvent.row`) — or fail with the same error — for every type, NULLs, padding, non-ASCII
/// text, extremes and overflows, on TDS 7.4 (NBCROW) and 7.1 (ROW only, date/time as text).
@Suite("Engine: rows encoded in place")
struct EngineRowViewTests {
    /// What one row's two encodings gave.
    struct Comparison {
        var rows = 0
        var fastFields = 0
        /// Rows the result set's plan wrote (7.3+).
        var plannedRows = 0
        var mismatches: [String] = []
    }

    /// Runs `sql` with row views on and, for each row, encodes it both ways with `version`'s token writer.
    static func compare(
        _ engine: PostgresSessionEngine, _ sql: String, version: TDSVersion = .v7_4
    ) throws -> Comparison {
        let writer = TDSTokenWriter(version: version, serverName: "test")
        var columns: [ResultColumn] = []
        var comparison = Comparison()
        var scratch: [UInt8] = []
        engine.emitsRowViews = true
        defer { engine.emitsRowViews = false }
        func check(_ view: SandboxRowView) throws {
            comparison.rows += 1
            var fast = ByteBuffer()
            var generic = ByteBuffer()
            let fastResult = Result { try writer.writeRow(view, columns: columns, scratch: &scratch, into: &fast) }
            let genericResult = Result { try writer.writeRow(try view.values(), columns: columns, into: &generic) }
            switch (fastResult, genericResult) {
            case (.success, .success):
                if fast != generic {
                    let (a, b) = (Array(fast.readableBytesView), Array(generic.readableBytesView))
                    comparison.mismatches.append("row \(comparison.rows): \(a) vs \(b)")
                }
            case (.failure(let a), .failure(let b)):
                let (x, y) = ((a as? TDSValueError)?.message, (b as? TDSValueError)?.message)
                if x == nil || x != y {
                    comparison.mismatches.append("row \(comparison.rows): errors \(a) vs \(b)")
                }
            default:
                comparison.mismatches.append("row \(comparison.rows): \(fastResult) vs \(genericResult)")
            }
            // The result set's plan (7.3+): a row it writes has exactly the bytes of the value path.
            if version.hasNullBitmapRows, let plan = TDSRowPlan(row: view.row, columns: columns) {
                var planned = ByteBuffer()
                if try writer.writePlannedRow(view.row, plan: plan, scratch: &scratch, into: &planned) {
                    comparison.plannedRows += 1
                    if case .success = genericResult, planned == generic {
                    } else {
                        let bytes = Array(planned.readableBytesView)
                        comparison.mismatches.append("row \(comparison.rows): planned \(bytes) vs \(genericResult)")
                    }
                } else if planned.readableBytes != 0 {
                    comparison.mismatches.append("row \(comparison.rows): a refused plan wrote bytes")
                }
            }
            for (index, column) in columns.enumerated() where !view.row.isNull(index) {
                var probe = ByteBuffer()
                let direct = try? TDSFieldEncoder.write(
                    view.row, index, as: column.type, scratch: &scratch, into: &probe)
                if direct == true { comparison.fastFields += 1 }
            }
        }
        let outcome = try engine.executeBatch(sql) { event in
            switch event {
            case .columns(let declared): columns = declared
            case .message(let message) where message.severity > 10:
                comparison.mismatches.append("error \(message.number): \(message.message)")
            case .row: comparison.mismatches.append("a .row event while row views are on")
            case .rowView(let view): try check(view)
            case .rowBatch(let rows): for index in 0..<rows.count { try check(rows.row(index)) }
            default: break
            }
        }
        #expect(outcome == .completed)
        return comparison
    }

    static let table = """
        CREATE TABLE every_type (
            k int, ti tinyint, si smallint, i int, bi bigint, b bit, r real, f float,
            d decimal(12,2), d38 decimal(38,10), d0 decimal(5,0), m money, sm smallmoney,
            c char(5), vc varchar(10), nc nchar(5), nv nvarchar(10), nvm nvarchar(max), vm varchar(max),
            bn binary(4), vb varbinary(10), vbm varbinary(max),
            dt date, tm time(3), tm7 time, dt2 datetime2, dt20 datetime2(0), dtm datetime, sdt smalldatetime,
            dto datetimeoffset, u uniqueidentifier)
        """

    static let rows = """
        INSERT INTO every_type VALUES
            (1, 0, -32768, -2147483648, -9223372036854775808, 0, -1.5, -2.25e300,
             -1234567890.12, -12345678901234567890.0123456789, 0, -922337203685477.5808, -214748.3648,
             'ab', '', N'日', N'', N'', '', 0x, 0x, 0x,
             '0001-01-01', '00:00:00', '00:00:00', '0001-01-01 00:00:00', '1900-01-01', '1753-01-01', '1900-01-01',
             '2024-02-29 00:15:00 -08:00', '00000000-0000-0000-0000-000000000000'),
            (2, 255, 32767, 2147483647, 9223372036854775807, 1, 3.4e38, 1.7976931348623157e308,
             9999999999.99, 1234567890123456789.9999999999, 99999, 922337203685477.5807, 214748.3647,
             'abcde', 'héllo', N'abcde', N'日本😀', N'x', 'y', 0xFFFFFFFF, 0x00FF, 0x0102,
             '9999-12-31', '23:59:59.999', '23:59:59.999999', '9999-12-31 23:59:59.999999', '2079-06-06 23:29:59',
             '9999-12-31 23:59:59.997', '2079-06-06 23:59:00',
             '9999-12-31 23:59:59.999999 +14:00', '6F9619FF-8B86-D011-B42D-00C04FC964FF'),
            (3, 7, 7, 7, 7, 1, 0.1, 0.1, 0.5, 0.0000000001, 7, 0.0001, 0.0001,
             'a b', 'plain', N'a', N'plain', N'long text here', 'long text here', 0x01, 0xDEADBEEF, 0xCAFE,
             '2024-02-29', '12:34:56.789', '12:34:56.123456', '2024-02-29 13:45:06.123456', '2024-02-29 13:45:29',
             '2024-02-29 13:45:06.123', '2024-02-29 13:45:31',
             '2024-02-29 13:45:06.123456 +05:30', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
            (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (5, 1, NULL, 3, NULL, 1, NULL, 2.5, NULL, 1.5, NULL, 2.5, NULL, 'x', NULL, N'y', NULL, N'z', NULL,
             0x01, NULL, 0x02, NULL, '01:02:03', NULL, '2000-01-01 00:00:00', NULL, '2000-01-01', NULL, NULL,
             NULL)
        """

    @Test func everyTypeEncodesAsTheValuePathDoes() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let setup = try engine.run(Self.table + "\n" + Self.rows)
        #expect(setup.errors.isEmpty, "\(setup.errors)")
        for version in [TDSVersion.v7_4, .v7_3B, .v7_1] {
            let result = try Self.compare(engine, "SELECT * FROM every_type ORDER BY k", version: version)
            #expect(result.rows == 5)
            #expect(result.mismatches.isEmpty, "\(version): \(result.mismatches)")
        }
        // The direct encodings really ran: all but the datetimeoffset, money, non-ASCII and 24:00 fields of the
        // five rows (NULLs excepted), counted on 7.4.
        let result = try Self.compare(engine, "SELECT * FROM every_type ORDER BY k")
        #expect(result.fastFields >= 80, "only \(result.fastFields) fields took the direct path")
        // Without the columns that have no raw encoding (money, datetime, datetimeoffset) the result set has a plan;
        // it writes row 3 (1 and 2 have non-ASCII text or a decimal beyond 64 bits, 4 and 5 NULLs).
        let planned = try Self.compare(
            engine,
            "SELECT k, ti, si, i, bi, b, r, f, d, d38, d0, c, vc, nc, nv, nvm, vm, bn, vb, vbm, dt, tm, tm7, dt2, dt20, u "
                + "FROM every_type ORDER BY k")
        #expect(planned.mismatches.isEmpty, "\(planned.mismatches)")
        #expect(planned.plannedRows >= 1, "the plan wrote \(planned.plannedRows) rows")
    }

    @Test func computedColumnsConversionsAndOverflowsMatch() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let queries = [
            // Typed by the translator: integers as bit, bools as integers, integers as floats and strings.
            "SELECT CAST(g AS bit) AS b, CAST(g AS float) AS f, CAST(g AS nvarchar(10)) AS s, g AS n "
                + "FROM generate_series(-2, 2) AS g",
            "SELECT CAST(1.005 AS decimal(10,2)) AS d, CAST(-0.004 AS decimal(10,2)) AS z, "
                + "CAST(123.456 AS decimal(6,1)) AS r",
            // Decimals of every length and scale, both signs, rounding at every digit of a base-10000 group.
            "SELECT CAST(g * 0.0137 - 50 AS decimal(12,3)) AS a, CAST(g * 123.456789 AS decimal(18,5)) AS b, "
                + "CAST(g / 7.0 AS decimal(9,4)) AS c, CAST(CAST(g AS bigint) * 1000003 + 0.5 AS decimal(19,0)) AS d, "
                + "CAST(g / 3.0 AS decimal(28,9)) AS e, CAST(g * 0.00001 AS decimal(6,5)) AS f, "
                + "CAST(g * 98765.4321 AS decimal(38,1)) AS h FROM generate_series(-3000, 3000) AS g",
            // Timestamps on both sides of 1970 and 2000, at every datetime2 scale.
            "SELECT CAST(x AS datetime2(0)) AS a, CAST(x AS datetime2(3)) AS b, CAST(x AS datetime2(5)) AS c, "
                + "x AS d FROM (SELECT DATEADD(minute, g * 15803, CAST('1969-12-31 23:59:59.999999' AS datetime2)) "
                + "AS x FROM generate_series(-2000, 2000) AS g) AS t",
            // An unconstrained numeric: its scale comes from the first rows.
            "SELECT g * 1.25 AS n FROM generate_series(1, 700) AS g",
            // Values that do not fit the declared type fail the same way on both paths.
            "SELECT CAST(300 AS tinyint) AS t",
            "SELECT N'" + String(repeating: "x", count: 30) + "' AS long_text, REPLICATE(N'é', 5000) AS wide",
            "SELECT NEWID() AS u, GETDATE() AS now, SYSDATETIME() AS precise, CAST(GETDATE() AS date) AS today",
        ]
        for (number, sql) in queries.enumerated() {
            let result = try Self.compare(engine, sql)
            #expect(result.rows > 0, "\(sql)")
            #expect(result.mismatches.isEmpty, "\(sql): \(result.mismatches)")
            // The decimals and timestamps all take the result set's plan.
            if number == 2 || number == 3 {
                #expect(result.plannedRows == result.rows, "\(sql): \(result.plannedRows) of \(result.rows) planned")
            }
        }
    }
}
