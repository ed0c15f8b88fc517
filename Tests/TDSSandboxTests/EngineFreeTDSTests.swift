import DBCore
import Foundation
import TDSSandbox
import Testing
import ThrowawayServers

/// The whole stack: FreeTDS's `tsql` → the TDS server → the T-SQL engine → PostgreSQL.
@Suite(
    "Engine: end to end through tsql",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tsql"), "tsql is not installed"))
struct EngineFreeTDSTests {
    private func tsql(port: Int, configuration: ConnectionConfiguration, input: String) throws -> String {
        try FreeTDSTool.tsql(port: port, configuration: configuration, input: input)
    }

    @Test func freebcpCopiesATableOut() throws {
        let server = try ThrowawayPostgres.shared()
        let database = "tds_bcp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try server.createDatabase(named: database)
        let configuration = server.configuration(database: database)
        let sandbox = TDSSandboxServer()
        let port = try sandbox.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: configuration))
        defer { sandbox.stop() }
        let setup = try tsql(
            port: port, configuration: configuration,
            input:
                "CREATE TABLE Fruit (Id int, Name nvarchar(20))\nINSERT Fruit VALUES (1, N'apple'), (2, N'pear')\ngo\nexit\n"
        )
        #expect(!setup.contains("Msg "), "\(setup)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("freetds.conf")
        try Data().write(to: config)
        let file = directory.appendingPathComponent("fruit.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/freebcp")
        process.arguments = [
            "Fruit", "out", file.path, "-c", "-t", ",", "-S", "127.0.0.1:\(port)", "-U",
            configuration.user ?? "postgres",
            "-P", configuration.password?.revealed ?? "", "-D", database,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["FREETDSCONF"] = config.path
        environment["TDSVER"] = "7.4"
        environment["HOME"] = directory.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let copied = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        #expect(copied.split(separator: "\n").sorted() == ["1,apple", "2,pear"], "\(log)")
    }

    @Test func inventoryThroughTsql() throws {
        let server = try ThrowawayPostgres.shared()
        let database = "tds_e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try server.createDatabase(named: database)
        let configuration = server.configuration(database: database)
        let sandbox = TDSSandboxServer()
        let port = try sandbox.start(
            host: "127.0.0.1", port: 0, engineFactory: PostgresSessionEngine.makeFactory(postgres: configuration))
        defer { sandbox.stop() }
        let output = try tsql(
            port: port, configuration: configuration,
            input: """
                CREATE TABLE Inventory (Id int IDENTITY(1,1) PRIMARY KEY, Name nvarchar(50), Quantity int, Price money)
                INSERT Inventory (Name, Quantity, Price) VALUES (N'banana', 150, 1.25), (N'Ünïcødé', 7, 0)
                SELECT * FROM Inventory ORDER BY Id
                go
                SELECT 1 / 0
                go
                SELECT @@TRANCOUNT AS tc, DB_NAME() AS db
                go
                exit

                """)
        #expect(!output.contains("problem connecting"), "\(output)")
        #expect(output.contains("Name"), "\(output)")
        #expect(output.contains("banana"), "\(output)")
        #expect(output.contains("Ünïcødé"), "\(output)")
        #expect(output.contains("1.25"), "\(output)")
        #expect(output.contains("Msg 8134"), "\(output)")
        #expect(output.contains("Divide by zero error encountered."), "\(output)")
        #expect(output.contains(database), "\(output)")
    }
}
