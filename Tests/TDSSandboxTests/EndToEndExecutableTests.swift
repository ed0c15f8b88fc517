import DBCore
import Foundation
import Testing

/// The `tds-sandbox` executable end to end: it listens, serves a session on the real engine, and stops cleanly on
/// SIGTERM.
@Suite("End to end: the tds-sandbox executable", .enabled(if: SandboxProcess.isBuilt, "tds-sandbox is not built"))
struct EndToEndExecutableTests {
    @Test func servesASessionAndStopsCleanlyOnSIGTERM() throws {
        let sandbox = try SandboxProcess()
        let client = try sandbox.client()
        #expect(try client.batch("SELECT DB_NAME() AS db").scalar == .string(sandbox.database))
        let (cleanExit, printed) = sandbox.stop()
        #expect(cleanExit, "\(printed)")
        #expect(client.waitForClose())
    }
}
