import DBCore
import Foundation
import TDSSandbox
import Testing

/// ATTENTION and disconnects against the real engine: the PostgreSQL statement really stops, the backend is idle
/// (or gone) afterwards, and the session (or the server) goes on.
@Suite("End to end: cancel and disconnect")
struct EndToEndCancelTests {
    /// A unique application name, so that `pg_stat_activity` shows this test's backends only.
    private static func application(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8))" }

    @Test func attentionDuringWaitForDelayStopsThePostgresStatement() throws {
        let sandbox = try EndToEndSandbox()
        let application = Self.application("attn-wait")
        let client = try sandbox.client(application: application)
        try client.sendBatch("SELECT 1 AS before_wait\nWAITFOR DELAY '00:00:10'\nSELECT 2 AS after_wait")
        // Cancel once PostgreSQL is really sleeping.
        #expect(
            try sandbox.eventually {
                try sandbox.backends(application: application).contains {
                    $0.state == "active" && $0.query.contains("pg_sleep")
                }
            })
        try client.sendAttention()
        let response = try client.readResponse()
        // The response ends with DONE carrying ATTN (0x0020) and nothing else: no MORE, no count.
        let final = try #require(response.final)
        #expect(final.token == 0xFD)
        #expect(final.status == 0x0020)
        #expect(!response.resultSets.contains { $0.columns.first?.name == "after_wait" })
        // PostgreSQL is idle again: no statement still running, no transaction left open.
        #expect(
            try sandbox.eventually {
                let backends = try sandbox.backends(application: application)
                return backends.count == 1 && backends[0].state == "idle"
            })
        // The session stays usable.
        #expect(try client.batch("SELECT 3 AS after_cancel").scalar == .int(3))
        #expect(try client.batch("SELECT @@TRANCOUNT").scalar == .int(0))
    }

    @Test func attentionDuringALargeResultEndsItWithAttn() throws {
        let sandbox = try EndToEndSandbox()
        let application = Self.application("attn-rows")
        let client = try sandbox.client(application: application)
        try client.sendBatch("SELECT g AS n FROM generate_series(1, 50000000) AS g")
        var rows = 0
        var sentAttention = false
        var final: WireDone?
        try client.stream { token in
            switch token {
            case .row:
                rows += 1
                if !sentAttention {
                    try client.sendAttention()
                    sentAttention = true
                }
            case .done(let done): final = done
            default: break
            }
        }
        #expect(rows >= 1)
        #expect(rows < 50_000_000)
        #expect(final?.isAttention == true)
        #expect(final?.hasMore == false)
        #expect(
            try sandbox.eventually {
                let backends = try sandbox.backends(application: application)
                return backends.count == 1 && backends[0].state == "idle"
            })
        #expect(try client.batch("SELECT 4").scalar == .int(4))
    }

    @Test func attentionWhenIdleIsAcknowledgedByTheRealServer() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        try client.sendAttention()
        let response = try client.readResponse()
        #expect(response.dones.map(\.status) == [0x0020])
        #expect(try client.batch("SELECT 5").scalar == .int(5))
    }

    struct StopReading: Error {}

    @Test func clientDisconnectingMidResultFreesItsPostgresConnection() throws {
        let sandbox = try EndToEndSandbox()
        let application = Self.application("hangup")
        let observer = try sandbox.client(application: application + "-observer")
        var client: WireClient? = try sandbox.client(application: application)
        #expect(try sandbox.backends(application: application).count == 1)
        try client?.sendBatch("SELECT g AS n, CAST(g AS varchar(12)) AS s FROM generate_series(1, 50000000) AS g")
        do {
            try client?.stream { token in if case .row = token { throw StopReading() } }
        } catch is StopReading {}
        // Mid-result: the SELECT runs ("active"), or its cursor waits between two FETCH batches in the statement's
        // transaction ("idle in transaction").
        let midResult = try sandbox.backends(application: application).first?.state
        #expect(midResult == "active" || midResult == "idle in transaction", "\(midResult ?? "none")")
        client = nil  // closes the socket in the middle of the result
        #expect(try sandbox.eventually { try sandbox.backends(application: application).isEmpty })
        // The server and other sessions are unaffected.
        #expect(try observer.batch("SELECT 6").scalar == .int(6))
    }
}
