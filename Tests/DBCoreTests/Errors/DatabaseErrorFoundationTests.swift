import Foundation
import Testing

@testable import DBCore

@Suite("DatabaseError in Foundation, NUL checks, transient faults, the retry policy")
struct DatabaseErrorFoundationTests {
    @Test("localizedDescription is the error's description; NSError keeps domain, a code per kind and the text")
    func localizedDescription() {
        let error = DatabaseError(
            kind: .uniqueViolation, code: .sqlState("23505"), message: "duplicate key", detail: "Key (id)=(1)",
            hint: "use another id")
        #expect(error.localizedDescription == "uniqueViolation (SQLSTATE 23505): duplicate key")
        let bridged = error as NSError
        #expect(bridged.domain == "DBCore.DatabaseError")
        #expect(bridged.code == 6)
        #expect(bridged.localizedDescription == error.description)
        #expect(bridged.localizedFailureReason == "Key (id)=(1)")
        #expect(bridged.localizedRecoverySuggestion == "use another id")
        #expect((DatabaseError(kind: .other, message: "x") as NSError).code == 21)
        #expect((DatabaseError(kind: .connectionFailed, message: "x") as NSError).code == 1)
    }

    @Test("a configuration with a NUL in a field fails naming the field, never the value")
    func configurationNUL() throws {
        var configuration = ConnectionConfiguration(host: "h", user: "u", password: "pw\0Hidden-Tail")
        let error = try #require(throws: DatabaseError.self) { try configuration.checkNoNULCharacters() }
        #expect(error.kind == .invalidConfiguration)
        #expect(error.message.contains("the password contains a NUL"))
        #expect(!error.description.contains("Hidden-Tail"))
        configuration.password = "pw"
        try configuration.checkNoNULCharacters()
        configuration.options["k\0ey"] = "v"
        #expect(throws: DatabaseError.self) { try configuration.checkNoNULCharacters() }
    }

    @Test("SQL text with a NUL is invalidParameters with the position")
    func sqlNUL() throws {
        let error = try #require(throws: DatabaseError.self) {
            try DatabaseError.checkNoNUL(in: "SELECT 1\0", what: "the SQL text", statement: "SELECT 1\0")
        }
        #expect(error.kind == .invalidParameters)
        #expect(error.message.contains("at character 9"))
        #expect(error.statement == "SELECT 1\\0")
        try DatabaseError.checkNoNUL(in: "SELECT 1", what: "the SQL text")
    }

    @Test("transient faults: Azure's numbers and PostgreSQL's connect states; 18456 and 28P01 are not")
    func transient() {
        for number in [40613, 40197, 40501, 49918, 49919, 49920, 4221, 10928, 10929, 4060, 20009, 20003, 20017] {
            #expect(
                TransientFault.isTransientAtConnect(
                    DatabaseError(kind: .other, code: .sqlServer(number: number, state: 1, severity: 20), message: "")))
        }
        for state in ["57P01", "57P02", "57P03", "08001", "08006"] {
            #expect(
                TransientFault.isTransientAtConnect(DatabaseError(kind: .other, code: .sqlState(state), message: "")))
        }
        #expect(
            !TransientFault.isTransientAtConnect(
                DatabaseError(
                    kind: .authenticationFailed, code: .sqlServer(number: 18456, state: 1, severity: 14), message: "")))
        #expect(
            !TransientFault.isTransientAtConnect(
                DatabaseError(kind: .authenticationFailed, code: .sqlState("28P01"), message: "")))
        #expect(!TransientFault.isTransientAtConnect(DatabaseError(kind: .connectionFailed, message: "no code")))
    }

    @Test("the retry policy: ADO.NET defaults, exponential backoff capped at 60 s, ±20 % jitter")
    func policy() {
        let policy = ConnectRetryPolicy.default
        #expect(policy.count == 1 && policy.interval == 10)
        #expect(policy.delay(beforeRetry: 1, jitter: 0.5) == 10)
        #expect(policy.delay(beforeRetry: 2, jitter: 0.5) == 20)
        #expect(policy.delay(beforeRetry: 1, jitter: 0) == 8)
        #expect(abs(policy.delay(beforeRetry: 1, jitter: 0.999_999) - 12) < 0.001)
        #expect(policy.delay(beforeRetry: 9, jitter: 0.5) == 60)
        #expect(ConnectRetryPolicy.none.count == 0)
        #expect(ConnectionConfiguration().connectRetry == .default)
    }

    @Test("the retry loop: transient failures retried up to the count, the last error lists every attempt")
    func retryLoop() throws {
        var configuration = ConnectionConfiguration(host: "db.example.com")
        configuration.connectRetry = ConnectRetryPolicy(count: 2, interval: 0)
        let transient = DatabaseError(kind: .connectionFailed, code: .sqlState("57P03"), message: "starting up")
        var calls = 0
        let value = try ConnectRetry.run(configuration) { _ -> Int in
            calls += 1
            if calls < 3 { throw transient }
            return 7
        }
        #expect(value == 7 && calls == 3)

        calls = 0
        let exhausted = try #require(throws: DatabaseError.self) {
            try ConnectRetry.run(configuration) { _ -> Int in
                calls += 1
                throw transient
            }
        }
        #expect(calls == 3)
        #expect(exhausted.message.contains("attempt 1 of 3") && exhausted.message.contains("attempt 3 of 3"))

        calls = 0
        let permanent = try #require(throws: DatabaseError.self) {
            try ConnectRetry.run(configuration) { _ -> Int in
                calls += 1
                throw DatabaseError(kind: .authenticationFailed, code: .sqlState("28P01"), message: "bad password")
            }
        }
        #expect(calls == 1 && permanent.message == "bad password")
    }
}
