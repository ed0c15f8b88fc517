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
        try FreeTDSTool.tsql(port: port, user: user, password: password, input: input)
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
