import DBCore
import Testing

@Suite("DatabaseError and Secret")
struct DatabaseErrorTests {
    @Test func postgresErrorDescriptions() {
        let error = DatabaseError(
            kind: .uniqueViolation, code: .sqlState("23505"),
            message: "duplicate key value violates unique constraint \"inventory_pkey\"",
            detail: "Key (id)=(1) already exists.", hint: "use another id", line: 12, table: "inventory",
            column: "id", constraint: "inventory_pkey", statement: "INSERT INTO inventory (id) VALUES ($1)")
        #expect(
            error.description
                == "uniqueViolation (SQLSTATE 23505): duplicate key value violates unique constraint \"inventory_pkey\""
        )
        #expect(error.debugDescription.hasPrefix(error.description))
        for part in [
            "detail: Key (id)=(1) already exists.", "hint: use another id", "line: 12", "table: inventory",
            "column: id", "constraint: inventory_pkey", "statement: INSERT INTO inventory (id) VALUES ($1)",
        ] {
            #expect(error.debugDescription.contains(part), "\(part)")
        }
        #expect(!error.description.contains("statement"))
        #expect(error.sqlState == "23505")
        #expect(error.number == nil && error.state == nil && error.severity == nil)
    }

    @Test func sqlServerErrorDescriptions() {
        let error = DatabaseError(
            kind: .uniqueViolation, code: .sqlServer(number: 2627, state: 1, severity: 14),
            message: "Violation of PRIMARY KEY constraint", serverName: "sandbox", procedure: "p_insert")
        #expect(
            error.description == "uniqueViolation (Msg 2627, Level 14, State 1): Violation of PRIMARY KEY constraint")
        #expect(error.debugDescription.contains("server: sandbox"))
        #expect(error.debugDescription.contains("procedure: p_insert"))
        #expect(error.number == 2627)
        #expect(error.state == 1)
        #expect(error.severity == 14)
        #expect(error.sqlState == nil)
    }

    @Test func codelessErrorsAndFactories() {
        let error = DatabaseError.invalidConfiguration("unknown key 'x'")
        #expect(error.description == "invalidConfiguration: unknown key 'x'")
        #expect(error.debugDescription == error.description)
        #expect(DatabaseError.misuse("closed").kind == .misuse)
        #expect(DatabaseError.typeMismatch("no").kind == .typeMismatch)
        #expect(DatabaseError.Kind.timeout != DatabaseError.Kind.cancelled)
        #expect(DatabaseError.Kind.transactionConflict.description == "transactionConflict")
    }

    @Test func matchableInCatch() {
        func fail() throws { throw DatabaseError(kind: .timeout, code: .sqlState("57014"), message: "canceling") }
        var caught = false
        do { try fail() } catch let error as DatabaseError where error.kind == .timeout && error.sqlState == "57014" {
            caught = true
        } catch {}
        #expect(caught)
    }

    @Test func configurationErrorsNeverCarryThePassword() {
        // Every parser, given a malformed string with a password in it, reports without the password.
        let attempts: [() throws -> ConnectionConfiguration] = [
            { try ConnectionConfiguration(url: "postgresql://u:Pa55w0rd!@h:bad/db") },
            { try ConnectionConfiguration(keywordString: "password=Pa55w0rd! port=bad") },
            { try ConnectionConfiguration(keywordString: "password='Pa55w0rd! port=5432") },
            { try ConnectionConfiguration(connectionString: "Password=Pa55w0rd!;Port=bad;Server=h") },
            { try ConnectionConfiguration(connectionString: "Password='Pa55w0rd!;Server=h") },
            { try ConnectionConfiguration(connectionString: "Password=Pa55w0rd!;Initail Catalog=x") },
            { try ConnectionConfiguration(parsing: "Pa55w0rd!") },
        ]
        for attempt in attempts {
            expectInvalidConfiguration(mentioning: [], never: ["Pa55w0rd"]) { try attempt() }
        }
    }

    @Test func secretNeverPrints() {
        let secret: Secret = "hunter2"
        #expect(secret.revealed == "hunter2")
        #expect(secret.description == "********")
        #expect(secret.debugDescription == "Secret(********)")
        #expect("\(secret)" == "********")
        #expect(String(reflecting: secret) == "Secret(********)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(Mirror(reflecting: secret).children.isEmpty)
        #expect(Secret("a") == Secret("a"))
        #expect(Secret("a") != Secret("b"))
    }
}
