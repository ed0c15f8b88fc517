import DBCore
import Foundation
import Testing

/// Clients of older TDS versions (FreeTDS's `tsql` with `TDSVER`): 7.1 gets only the tokens its version defines
/// (no transaction ENVCHANGEs, `text`/`ntext`/`image` for the (max) types); versions the sandbox does not serve
/// are refused at login with a message, not a dropped socket.
@Suite("End to end: older TDS versions")
struct EndToEndLegacyVersionTests {
    private func tsql(_ sandbox: EndToEndSandbox, version: String, _ input: String) throws -> TsqlOutput {
        let output = try FreeTDSTool.capture(
            "tsql",
            [
                "-H", "127.0.0.1", "-p", String(sandbox.port), "-U", sandbox.user, "-P", sandbox.password, "-D",
                sandbox.database,
            ],
            input: input, environment: ["TDSVER": version])
        return TsqlOutput(standardOutput: output.standardOutput, standardError: output.standardError)
    }

    @Test("TDS 7.1: transactions, (max) types as text/ntext/image, NULLs", .enabled(if: EndToEndSandbox.hasTsql))
    func tds71() throws {
        let sandbox = try EndToEndSandbox()
        let results = try tsql(
            sandbox, version: "7.1",
            """
            CREATE TABLE T (Id int, Note nvarchar(max))
            go
            BEGIN TRANSACTION
            INSERT INTO T VALUES (1, N'héllo')
            SELECT @@TRANCOUNT AS tc
            go
            COMMIT
            SELECT Id, Note, CAST('abc' AS varchar(max)) AS v, CAST(NULL AS nvarchar(max)) AS n FROM T
            go
            BEGIN TRAN
            ROLLBACK
            SELECT @@TRANCOUNT AS tc
            go
            exit

            """)
        #expect(results.errors.isEmpty, "\(results.printed)")
        #expect(!results.printed.contains("Invalid TDS marker"), "\(results.printed)")
        #expect(
            results.tables.map(\.rows) == [[["1"]], [["1", "héllo", "abc", "NULL"]], [["0"]]], "\(results.printed)")
    }

    @Test(
        "TDS 7.0, 5.0 and 4.2 logins are refused with a message naming the versions served",
        .enabled(if: EndToEndSandbox.hasTsql), arguments: ["7.0", "5.0", "4.2"])
    func unservedVersions(version: String) throws {
        let sandbox = try EndToEndSandbox()
        let results = try tsql(sandbox, version: version, "SELECT 1\ngo\nexit\n")
        #expect(results.printed.contains("18456") || results.printed.contains("Login failed"), "\(results.printed)")
        #expect(results.printed.contains("7.1"), "\(results.printed)")
        #expect(results.tables.isEmpty, "\(results.printed)")
    }
}
