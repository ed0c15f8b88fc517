import Foundation
import Testing

@testable import TDSSandbox

/// Where FreeTDS's `tsql` is installed (Debian's freetds-bin).
let freeTDSTsqlPath = "/usr/bin/tsql"

/// FreeTDS's `tsql` against the sandbox: a real client's view of login, results and errors.
@Suite(
    "Server: FreeTDS tsql",
    .enabled(if: FileManager.default.isExecutableFile(atPath: freeTDSTsqlPath), "tsql is not installed"))
struct ServerFreeTDSTests {
    /// Runs tsql with `input` on stdin and returns stdout + stderr.
    func tsql(port: Int, user: String = "tester", password: String = "secret", input: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tsql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("freetds.conf")
        try Data().write(to: config)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: freeTDSTsqlPath)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port), "-U", user, "-P", password]
        var environment = ProcessInfo.processInfo.environment
        environment["FREETDSCONF"] = config.path
        environment["TDSVER"] = "7.4"
        environment["HOME"] = directory.path
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    @Test func loginResultsOfEveryTypeAndErrors() throws {
        let fixture = try ScriptedServer()
        let output = try tsql(port: fixture.port, input: "SELECT TYPES\ngo\nSELECT ERROR\ngo\nexit\n")
        #expect(!output.contains("problem connecting"), "\(output)")
        // Column names and a few values as tsql prints them.
        #expect(output.contains("c_tinyint"), "\(output)")
        #expect(output.contains("c_null_nvarchar"), "\(output)")
        #expect(output.contains("12345.6789"), "\(output)")
        #expect(output.contains("abc"), "\(output)")
        #expect(output.contains("日本"), "\(output)")
        #expect(output.contains("6F9619FF-8B86-D011-B42D-00C04FC964FF"), "\(output)")
        #expect(output.contains("Msg 208"), "\(output)")
        #expect(output.contains("Invalid object name 'nope'."), "\(output)")
    }

    @Test func badLoginShows18456() throws {
        let fixture = try ScriptedServer()
        let output = try tsql(port: fixture.port, user: "bad", input: "exit\n")
        #expect(output.contains("Msg 18456"), "\(output)")
        #expect(output.contains("Login failed for user 'bad'."), "\(output)")
    }
}
