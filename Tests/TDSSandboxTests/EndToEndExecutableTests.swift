import DBCore
import Foundation
import Testing
import ThrowawayServers

/// The `tds-sandbox` executable, built next to the test bundle by `swift build` / `swift test`.
private let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("tds-sandbox")

/// The `tds-sandbox` executable end to end: it listens, serves a session on the real engine, and stops cleanly on
/// SIGTERM.
@Suite(
    "End to end: the tds-sandbox executable",
    .enabled(if: FileManager.default.isExecutableFile(atPath: executable.path), "tds-sandbox is not built"))
struct EndToEndExecutableTests {
    @Test func servesASessionAndStopsCleanlyOnSIGTERM() throws {
        let postgres = try ThrowawayPostgres.shared()
        let database = "e2e_exe_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try postgres.createDatabase(named: database)
        let configuration = postgres.configuration(database: database)
        let process = Process()
        process.executableURL = executable
        // No password on the command line: each session logs in to PostgreSQL with the TDS login's password.
        process.arguments = [
            "--listen", "127.0.0.1:0", "--postgres",
            "host=\(postgres.host) port=\(postgres.port) dbname=\(database) user=\(configuration.user ?? "postgres")",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { if process.isRunning { process.interrupt() } }
        // "tds-sandbox listening on 127.0.0.1:PORT"
        var printed = ""
        while !printed.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(Int(printed.split(separator: ":").last?.prefix { $0.isNumber } ?? ""), "\(printed)")
        let client = try WireClient(port: port)
        let login = try client.login(
            user: configuration.user ?? "postgres", password: configuration.password?.revealed ?? "", database: database)
        #expect(login.errors.isEmpty, "\(login.errors)")
        #expect(try client.batch("SELECT DB_NAME() AS db").scalar == .string(database))
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit, "\(rest)")
        #expect(process.terminationStatus == 0, "\(rest)")
        #expect(client.waitForClose())
    }
}
