import DBCore
import Foundation
import TDSSandbox
import Testing

/// Results encoded in place from PostgreSQL's buffers, over the real wire: rows wider than a packet, results
/// larger than the socket buffers (full packets of the negotiated size), and repeated point queries.
@Suite("End to end: rows encoded in place")
struct EndToEndRowViewTests {
    @Test(arguments: [UInt32(512), 4096, 32767])
    func aRowWiderThanAPacketArrivesWhole(packetSize: UInt32) throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client(packetSize: packetSize)
        let response = try client.batch(
            """
            SELECT g AS n, REPLICATE(N'w', 20000) AS wide, REPLICATE('v', 7000) AS narrow,
                CAST(NULL AS int) AS missing, CAST(g AS decimal(12,2)) AS d
            FROM generate_series(1, 3) AS g
            """)
        #expect(response.errors.isEmpty, "\(response.errors)")
        #expect(response.rows.count == 3)
        for (index, row) in response.rows.enumerated() {
            #expect(row.count == 5)
            #expect(row[0] == .int(Int64(index + 1)))
            #expect(row[1] == .string(String(repeating: "w", count: 20000)))
            #expect(row[2] == .string(String(repeating: "v", count: 7000)))
            #expect(row[3] == .null)
            #expect(row[4] == .decimal(SQLDecimal("\(index + 1).00")!))
        }
        // Every packet but a message's last is filled to the negotiated size.
        #expect(!client.innerPacketSizes.isEmpty)
        #expect(client.innerPacketSizes.allSatisfy { $0 == Int(packetSize) }, "\(Set(client.innerPacketSizes))")
    }

    @Test func aResultLargerThanTheSocketBuffersStreamsInFullPackets() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client(packetSize: 8192)
        let count = 200_000
        try client.sendBatch(
            "SELECT g AS n, N'row ' + CAST(g AS nvarchar(12)) AS label, CAST(g AS float) / 4 AS f "
                + "FROM generate_series(1, \(count)) AS g")
        var rows = 0
        var sum: Int64 = 0
        var lastLabel = ""
        var quarterSum = 0.0
        var final: WireDone?
        try client.stream { token in
            switch token {
            case .row(let values):
                rows += 1
                if case .int(let n) = values[0] { sum += n }
                if case .string(let label) = values[1] { lastLabel = label }
                if case .double(let f) = values[2] { quarterSum += f }
            case .done(let done): final = done
            default: break
            }
        }
        #expect(rows == count)
        #expect(sum == Int64(count) * Int64(count + 1) / 2)
        #expect(lastLabel == "row \(count)")
        #expect(quarterSum == Double(count) * Double(count + 1) / 8)
        #expect(final?.count == count)
        #expect(client.innerPacketSizes.count > 100)
        #expect(client.innerPacketSizes.allSatisfy { $0 == 8192 })
        #expect(try client.batch("SELECT 1").scalar == .int(1))
    }

    /// A value that fails to encode in the middle of a cursor batch: the rows before it go out, then the error (as
    /// when rows were encoded one event at a time).
    @Test func aValueThatFailsMidBatchComesAfterTheRowsBeforeIt() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        let response = try client.batch(
            "SELECT g AS n, N'row ' + CAST(g AS nvarchar(12)) AS label, CAST(g - 1200 AS tinyint) AS t "
                + "FROM generate_series(1201, 1600) AS g")
        #expect(response.rows.count == 255, "\(response.rows.count) rows")
        #expect(response.rows.last?[0] == .int(1455))
        #expect(response.errors.count == 1, "\(response.errors)")
        // A date before 0001-01-01 fails inside a field's raw encoding (a thrown error, not a refusal).
        let dates = try client.batch(
            "SELECT g AS n, CAST(DATEADD(day, -g, CAST('0001-01-10' AS date)) AS date) AS d "
                + "FROM generate_series(1, 400) AS g")
        #expect(dates.rows.count == 9, "\(dates.rows.count) rows")
        #expect(dates.rows.last?[0] == .int(9))
        #expect(dates.errors.count == 1, "\(dates.errors)")
        #expect(try client.batch("SELECT 1").scalar == .int(1))
    }

    @Test func repeatedPointQueriesAnswerEachValue() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        let setup = try client.batch(
            """
            CREATE TABLE points (id int PRIMARY KEY, label nvarchar(20), amount decimal(10,2), at datetime2);
            INSERT INTO points
            SELECT g, N'p' + CAST(g AS nvarchar(10)), g * 1.5, CAST('2024-02-29 13:45:06' AS datetime2)
            FROM generate_series(1, 50) AS g
            """)
        #expect(setup.errors.isEmpty, "\(setup.errors)")
        for id in [7, 1, 50, 7, 23] {
            let response = try client.executeSQL(
                "SELECT label, amount, at FROM points WHERE id = @id", declarations: "@id int",
                [RPCParameter(name: "@id", type: .int, value: .int(Int64(id)))])
            #expect(response.errors.isEmpty, "\(response.errors)")
            #expect(response.rows.count == 1)
            #expect(response.rows.first?[0] == .string("p\(id)"))
            #expect(response.rows.first?[1] == .decimal(SQLDecimal(String(format: "%.2f", Double(id) * 1.5))!))
            #expect(response.rows.first?[2] == .timestamp(SQLTimestamp(iso: "2024-02-29 13:45:06")!))
        }
    }
}
