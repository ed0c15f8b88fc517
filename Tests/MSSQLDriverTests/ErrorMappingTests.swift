import DBCore
import Testing

@testable import MSSQLDriver

@Suite("SQL Server error numbers map to portable kinds")
struct ErrorMappingTests {
    @Test(
        "server numbers",
        arguments: [
            (18456, DatabaseError.Kind.authenticationFailed), (2627, .uniqueViolation), (2601, .uniqueViolation),
            (515, .notNullViolation), (208, .undefinedTable), (207, .undefinedColumn), (102, .syntaxError),
            (156, .syntaxError), (170, .syntaxError), (2628, .dataException), (8152, .dataException),
            (8134, .dataException), (8115, .dataException), (245, .dataException), (241, .dataException),
            (242, .dataException), (1205, .transactionConflict), (229, .permissionDenied), (230, .permissionDenied),
            (50000, .other),
        ] as [(Int, DatabaseError.Kind)])
    func serverNumbers(number: Int, kind: DatabaseError.Kind) {
        #expect(MSSQLErrorMapping.kind(serverNumber: number, message: "") == kind)
    }

    @Test("547 tells FOREIGN KEY from CHECK by the message")
    func constraint547() {
        let fk = "The INSERT statement conflicted with the FOREIGN KEY constraint \"FK_a\"."
        let check = "The INSERT statement conflicted with the CHECK constraint \"CK_a\"."
        #expect(MSSQLErrorMapping.kind(serverNumber: 547, message: fk) == .foreignKeyViolation)
        #expect(MSSQLErrorMapping.kind(serverNumber: 547, message: check) == .checkViolation)
    }

    @Test("DB-Library numbers")
    func dblibNumbers() {
        #expect(MSSQLErrorMapping.kind(dblibNumber: 20003) == .timeout)
        #expect(MSSQLErrorMapping.kind(dblibNumber: 20009) == .connectionFailed)
        #expect(MSSQLErrorMapping.kind(dblibNumber: 20004) == .connectionLost)
        #expect(MSSQLErrorMapping.kind(dblibNumber: 20006) == .connectionLost)
        #expect(MSSQLErrorMapping.kind(dblibNumber: 20017) == .connectionLost)
        #expect(MSSQLErrorMapping.isAggregate(dblibNumber: 20018))
    }

    @Test("server messages above severity 10 are errors; the rest are notices")
    func collectorSplitsBySeverity() {
        let messages = DBLibMessages()
        messages.serverMessage(
            number: 2627, state: 1, severity: 14, text: "Violation of PRIMARY KEY", server: "srv", procedure: "p",
            line: 3)
        messages.serverMessage(number: 0, state: 1, severity: 0, text: "printed", server: nil, procedure: nil, line: 1)
        let errors = messages.takeErrors()
        #expect(errors.count == 1)
        #expect(errors.first?.kind == .uniqueViolation)
        #expect(errors.first?.code == .sqlServer(number: 2627, state: 1, severity: 14))
        #expect(errors.first?.serverName == "srv")
        #expect(errors.first?.procedure == "p")
        #expect(errors.first?.line == 3)
        #expect(messages.takeNotices().map(\.message) == ["printed"])
        #expect(messages.takeErrors().isEmpty)
    }
}
