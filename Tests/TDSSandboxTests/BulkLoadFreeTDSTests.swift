import DBCore
import Foundation
import TDSSandbox
import Testing

/// Bulk load (INSERT BULK + the bulk-load message) through FreeTDS's `freebcp … in`.
@Suite(
    "Bulk load: freebcp in",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/freebcp"), "freebcp is not installed"))
struct BulkLoadFreeTDSTests {
    /// A sandbox on a fresh database, an engine on the same database to check results, and a work directory.
    final class Fixture {
        let configuration: ConnectionConfiguration
        let sandbox = TDSSandboxServer()
        let port: Int
        let engine: PostgresSessionEngine
        let directory: URL

        init() throws {
            configuration = try FreeTDSTool.freshDatabase(prefix: "tds_bulk_")
            let factory = PostgresSessionEngine.makeFactory(postgres: configuration)
            port = try sandbox.start(host: "127.0.0.1", port: 0, engineFactory: factory)
            let login = SandboxLogin(
                user: configuration.user ?? "postgres", password: configuration.password ?? "",
                database: configuration.database ?? "", applicationName: "bulk-tests", hostName: "localhost")
            guard let engine = try factory(login) as? PostgresSessionEngine else {
                throw EngineHarness.HarnessError.wrongEngine
            }
            self.engine = engine
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        deinit {
            engine.close()
            sandbox.stop()
            try? FileManager.default.removeItem(at: directory)
        }

        /// `freebcp db.dbo.table in file -c -t '|'`; returns its output.
        func bcpIn(_ table: String, file: URL, extra: [String] = []) throws -> String {
            try FreeTDSTool.run(
                "freebcp",
                [
                    "\(configuration.database ?? "").dbo.\(table)", "in", file.path, "-c", "-t", "|",
                    "-S", "127.0.0.1:\(port)", "-U", configuration.user ?? "postgres",
                    "-P", configuration.password?.revealed ?? "",
                ] + extra)
        }

        func write(_ text: String, name: String) throws -> URL {
            let file = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            return file
        }
    }

    static let matrixColumns = """
        Id int, Ti tinyint, Si smallint, Bi bigint, Bt bit, De decimal(12,2), Mo money, Sm smallmoney, Re real,
        Fl float, Ch char(5), Nc nchar(3), Vc varchar(10), Nv nvarchar(10), Vm varchar(max), Nm nvarchar(max),
        Bn binary(4), Vb varbinary(10), Bm varbinary(max), Da date, Tm time(6), Dt datetime, Sd smalldatetime,
        D2 datetime2(6), Dto datetimeoffset(6), Ui uniqueidentifier
        """

    /// (FreeTDS's text conversion reads no UTC offset, so the datetimeoffset value carries +00:00.)
    @Test func everyTypeOfTheMatrixAndNulls() throws {
        let fixture = try Fixture()
        _ = try fixture.engine.ok("CREATE TABLE Matrix (\(Self.matrixColumns))")
        _ = try fixture.engine.ok("CREATE TABLE Reference (\(Self.matrixColumns))")
        _ = try fixture.engine.ok(
            """
            INSERT Reference VALUES (1, 255, -32768, -9223372036854775807, 1, 1234567890.12, 922337203685477.5807,
                -214748.3648, 1.5, 2.25, 'ab', N'é', 'hello', N'héllo 日本', 'long text', N'ünïcode max',
                0x01020304, 0x0AFF, 0xDEADBEEF, '2024-02-29', '13:45:30.123456', '2024-02-29 13:45:30.123',
                '2024-02-29 13:45:00', '2024-02-29 13:45:30.123456', '2024-02-29 13:45:30.5 +00:00',
                '6F9619FF-8B86-D011-B42D-00C04FC964FF')
            INSERT Reference (Id) VALUES (2)
            """)
        let file = try fixture.write(
            "1|255|-32768|-9223372036854775807|1|1234567890.12|922337203685477.5807|-214748.3648|1.5|2.25|ab|é|hello|"
                + "héllo 日本|long text|ünïcode max|01020304|0aff|deadbeef|2024-02-29|13:45:30.123456|"
                + "2024-02-29 13:45:30.123|2024-02-29 13:45:00|2024-02-29 13:45:30.123456|2024-02-29 13:45:30.5|"
                + "6F9619FF-8B86-D011-B42D-00C04FC964FF\n"
                + "2" + String(repeating: "|", count: 25) + "\n",
            name: "matrix.txt")
        let log = try fixture.bcpIn("Matrix", file: file)
        #expect(log.contains("2 rows copied"), "\(log)")
        let loaded = try fixture.engine.ok("SELECT * FROM Matrix ORDER BY Id")
        let expected = try fixture.engine.ok("SELECT * FROM Reference ORDER BY Id")
        let loadedRows = loaded.resultSets.first?.rows ?? []
        let expectedRows = expected.resultSets.first?.rows ?? []
        #expect(loadedRows.count == 2)
        for (index, pair) in zip(loadedRows, expectedRows).enumerated() {
            for column in pair.0.indices where pair.0[column] != pair.1[column] {
                Issue.record("row \(index) column \(column): \(pair.0[column]) != \(pair.1[column])")
            }
        }
        #expect(loadedRows.last?.dropFirst().allSatisfy { $0 == .null } == true)
    }

    @Test func aFailingBatchStoresNoRowsAndTheSessionStaysUsable() throws {
        let fixture = try Fixture()
        _ = try fixture.engine.ok("CREATE TABLE Keyed (Id int PRIMARY KEY, Name nvarchar(20) NOT NULL)")
        let duplicate = try fixture.write("1|a\n2|b\n3|c\n2|again\n4|d\n", name: "dup.txt")
        let log = try fixture.bcpIn("Keyed", file: duplicate)
        #expect(log.contains("2627") || log.contains("PRIMARY KEY"), "\(log)")
        #expect(try fixture.engine.ok("SELECT COUNT(*) FROM Keyed").scalar == .int(0))
        let good = try fixture.write("1|a\n2|b\n", name: "good.txt")
        let again = try fixture.bcpIn("Keyed", file: good)
        #expect(again.contains("2 rows copied"), "\(again)")
        #expect(try fixture.engine.ok("SELECT COUNT(*) FROM Keyed").scalar == .int(2))
        let nulls = try fixture.write("5|\n", name: "null.txt")
        let nullLog = try fixture.bcpIn("Keyed", file: nulls)
        #expect(nullLog.contains("515") || nullLog.contains("NULL"), "\(nullLog)")
        #expect(try fixture.engine.ok("SELECT COUNT(*) FROM Keyed").scalar == .int(2))
    }

    @Test func aMillionRowsStreamInBoundedMemory() throws {
        let fixture = try Fixture()
        _ = try fixture.engine.ok("CREATE TABLE Big (Id int, Name nvarchar(40), Amount decimal(12,2))")
        let file = fixture.directory.appendingPathComponent("big.txt")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        var chunk = ""
        for index in 1...1_000_000 {
            chunk += "\(index)|name number \(index)|\(index % 100000).25\n"
            if index % 50_000 == 0 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        try handle.close()
        let before = Self.residentBytes()
        let log = try fixture.bcpIn("Big", file: file, extra: ["-b", "250000"])
        let after = Self.residentBytes()
        #expect(log.contains("1000000 rows copied"), "\(log.suffix(500))")
        #expect(
            try fixture.engine.ok("SELECT COUNT(*), SUM(Id) FROM Big").resultSets.first?.rows.first
                == [.int(1_000_000), .int(500_000_500_000)])
        #expect(after - before < 200 * 1024 * 1024, "RSS grew by \((after - before) / 1024 / 1024) MB")
    }

    /// The process's resident set size (from /proc/self/statm).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
