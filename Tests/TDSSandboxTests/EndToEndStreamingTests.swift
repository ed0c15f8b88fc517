import DBCore
import Foundation
import TDSSandbox
import Testing

/// A result of a million rows streams from PostgreSQL through the sandbox to the client in constant memory.
///
/// The server runs as the `tds-sandbox` executable, so that its memory is measured alone: in the test process,
/// which every suite of `swift test` shares, other tests' allocations made the resident set grow by over 100 MB
/// during this test's run. The raw client keeps nothing per row by construction.
@Suite("End to end: streaming results", .enabled(if: SandboxProcess.isBuilt, "tds-sandbox is not built"))
struct EndToEndStreamingTests {
    @Test func millionRowSelectStreamsInConstantMemory() throws {
        let sandbox = try SandboxProcess()
        let client = try sandbox.client()
        let rowCount = 1_000_000
        // Warm up (catalog, translator, buffers) before measuring.
        #expect(try client.batch("SELECT g AS n FROM generate_series(1, 1000) AS g").rows.count == 1000)
        let started = Date()
        let before = sandbox.memory("VmRSS")
        let peakWasReset = sandbox.resetPeakMemory()
        var peak = before
        var rows = 0
        var sum: Int64 = 0
        var lastText = ""
        var payloadCharacters = 0
        var columns: [WireColumn] = []
        var dones: [WireDone] = []
        try client.sendBatch(
            """
            SELECT g AS n, N'row ' + CAST(g AS nvarchar(12)) + N' ' + REPLICATE(N'x', 72) AS label
            FROM generate_series(1, \(rowCount)) AS g
            """)
        try client.stream { token in
            switch token {
            case .columns(let declared): columns = declared
            case .row(let values):
                rows += 1
                if case .int(let n) = values[0] { sum += n }
                if case .string(let text) = values[1] {
                    payloadCharacters += text.utf16.count
                    if rows == rowCount { lastText = text }
                }
                if rows % 20_000 == 0 { peak = max(peak, sandbox.memory("VmRSS")) }
            case .done(let done): dones.append(done)
            default: break
            }
        }
        if peakWasReset { peak = max(peak, sandbox.memory("VmHWM")) }
        let seconds = Date().timeIntervalSince(started)
        let growth = peak - before
        print(
            "1,000,000-row SELECT through tds-sandbox: \(String(format: "%.1f", seconds)) s, \(client.packetsRead) packets, "
                + "server resident set \(before / 1_048_576) MB before, peak growth \(growth / 1_048_576) MB")
        #expect(before > 0)
        #expect(columns.map(\.name) == ["n", "label"])
        #expect(rows == rowCount)
        #expect(sum == Int64(rowCount) * Int64(rowCount + 1) / 2)
        #expect(lastText == "row 1000000 " + String(repeating: "x", count: 72))
        #expect(dones.count == 1)
        #expect(dones.first?.count == rowCount)
        // The labels alone are over 150 MiB of UCS-2 on the wire (and more as PostgreSQL results or engine events):
        // holding the result anywhere in the server — libpq, the engine, the TDS output — would exceed the bound.
        #expect(payloadCharacters * 2 > 150 * 1_048_576)
        #expect(growth < 100 * 1_048_576, "the server's resident set grew by \(growth / 1_048_576) MB")
        #expect(try client.batch("SELECT 1").scalar == .int(1))
    }
}
