import DBCore
import Foundation
import PGDriver
import Testing
import ThrowawayServers

@Suite("PGDriver connection features")
struct PGConnectionFeatureTests {
    @Test("sslmode=require uses TLS")
    func tlsRequire() throws {
        let connection = try TestDatabase.connect(tls: .require)
        defer { connection.close() }
        #expect(try connection.scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == .bool(true))
    }

    @Test("sslmode=verify-full against the test CA works for 127.0.0.1 and localhost")
    func tlsVerifyFull() throws {
        let server = try TestDatabase.server()
        try #require(server.caCertificatePath != nil)
        for host in ["127.0.0.1", "localhost"] {
            var configuration = server.configuration(tls: .verifyFull)
            configuration.host = host
            let connection = try PGDriver.connect(configuration)
            #expect(try connection.scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == .bool(true))
            connection.close()
        }
    }

    @Test("sslmode=verify-full with an unrelated CA fails with connectionFailed")
    func tlsWrongCA() throws {
        let directory = NSTemporaryDirectory() + "wrong-ca-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wrong = try TestCertificateAuthority.create(in: directory, commonName: "Unrelated CA")
        var configuration = try TestDatabase.server().configuration(tls: .verifyFull)
        configuration.tlsRootCertificatePath = wrong.certificatePath
        let error = try #require(databaseError { _ = try PGDriver.connect(configuration) })
        #expect(error.kind == .connectionFailed)
        #expect(error.message.contains("certificate"))
        // A root certificate file that does not exist is a TLS failure too, not a login failure.
        configuration.tlsRootCertificatePath = directory + "/missing.crt"
        #expect(databaseError { _ = try PGDriver.connect(configuration) }?.kind == .connectionFailed)
    }

    @Test("notices from RAISE arrive through takeNotices()")
    func notices() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        try connection.run("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$")
        let notices = connection.takeNotices()
        #expect(notices.map(\.message) == ["hello 42", "careful"])
        #expect(notices.map(\.severity) == ["NOTICE", "WARNING"])
        #expect(notices.first?.code == .sqlState("00000"))
        #expect(notices.last?.code == .sqlState("01000"))
        #expect(connection.takeNotices().isEmpty)
    }

    @Test("several statements give several result sets; rowCount follows each")
    func multipleResultSets() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("multi")
        let cursor = try connection.makeCursor()
        try cursor.execute(
            """
            CREATE TABLE \(table) (id int); INSERT INTO \(table) SELECT generate_series(1, 5);
            SELECT id FROM \(table) ORDER BY id; UPDATE \(table) SET id = id + 10 WHERE id > 2; SELECT 'last' AS word
            """)
        #expect(cursor.columns == nil)
        #expect(try cursor.nextResultSet())
        #expect(cursor.rowCount == 5)
        #expect(try cursor.nextResultSet())
        #expect(cursor.rowCount == 5)
        #expect(try cursor.fetchAll().map { $0[0] } == (1...5).map { .int(Int64($0)) })
        #expect(try cursor.nextResultSet())
        #expect(cursor.rowCount == 3)
        #expect(cursor.columns == nil)
        #expect(try cursor.nextResultSet())
        #expect(try cursor.fetchOne()?["word"] == .string("last"))
        #expect(try !cursor.nextResultSet())
        try cursor.execute("DELETE FROM \(table) WHERE id > 13")
        #expect(cursor.rowCount == 2)
        try cursor.execute("SELECT * FROM \(table) WHERE false")
        #expect(cursor.rowCount == 0)
        #expect(try cursor.fetchOne() == nil)
        try connection.run("DROP TABLE \(table)")
    }

    @Test("column descriptions: names, types, sizes, precision and scale")
    func columnDescriptions() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("described")
        try connection.run(
            "CREATE TABLE \(table) (id int8, name varchar(50), price numeric(12,2), code char(3), at timestamp(3), doc jsonb, u uuid)"
        )
        let cursor = try connection.makeCursor()
        try cursor.execute("SELECT * FROM \(table)")
        let columns = try #require(cursor.columns)
        #expect(columns.map(\.name) == ["id", "name", "price", "code", "at", "doc", "u"])
        #expect(columns.map(\.type) == [.int64, .string, .decimal, .string, .timestamp, .json, .uuid])
        #expect(
            columns.map(\.nativeTypeName) == ["int8", "varchar", "numeric", "bpchar", "timestamp", "jsonb", "uuid"])
        #expect(columns.map(\.nativeTypeID) == [20, 1043, 1700, 1042, 1114, 3802, 2950])
        #expect(columns[1].size == 50)
        #expect(columns[2].precision == 12)
        #expect(columns[2].scale == 2)
        #expect(columns[3].size == 3)
        #expect(columns[4].precision == 3)
        // Plain table columns say where they come from (PQftable/PQftablecol); expressions do not.
        let tableOID = try #require(columns[0].sourceTableID)
        #expect(columns.map(\.sourceTableID) == Array(repeating: tableOID, count: 7))
        #expect(columns.map(\.sourceColumnNumber) == [1, 2, 3, 4, 5, 6, 7])
        try cursor.execute("SELECT id + 1 AS next FROM \(table)")
        #expect(cursor.columns?.first?.sourceTableID == nil)
        #expect(cursor.columns?.first?.sourceColumnNumber == nil)
        try connection.run("DROP TABLE \(table)")
    }

    struct Inventory: Decodable, Equatable {
        var id: Int
        var name: String
        var quantity: Int
        var price: Decimal?
        var added: Date
    }

    @Test("rows decode into Codable structs")
    func codableRows() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let table = TestDatabase.uniqueName("inventory")
        try connection.run(
            "CREATE TABLE \(table) (id serial PRIMARY KEY, name varchar(50), quantity integer, price numeric(8,2), added timestamptz)"
        )
        let cursor = try connection.makeCursor()
        let added = Date(timeIntervalSince1970: 1_700_000_000.25)
        try cursor.executeMany(
            "INSERT INTO \(table) (name, quantity, price, added) VALUES (%s, %s, %s, %s)",
            [["banana", 150, Decimal(string: "0.25"), added], ["orange", 154, nil, added]])
        try cursor.execute("SELECT * FROM \(table) ORDER BY id")
        let items = try cursor.fetchAll(as: Inventory.self)
        #expect(
            items == [
                Inventory(id: 1, name: "banana", quantity: 150, price: Decimal(string: "0.25"), added: added),
                Inventory(id: 2, name: "orange", quantity: 154, price: nil, added: added),
            ])
        try connection.run("DROP TABLE \(table)")
    }

    @Test("streaming reads 200k rows one at a time; fetchOne/fetchMany/fetchAll all work")
    func streaming() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let cursor = try connection.makeCursor(streamsResults: true)
        try cursor.execute("SELECT i, 'row ' || i AS label FROM generate_series(1, %s) AS i", [200_000])
        #expect(cursor.rowCount == -1)
        #expect(cursor.columns?.map(\.name) == ["i", "label"])
        #expect(try cursor.fetchOne().map { Array($0.values) } == [.int(1), .string("row 1")])
        let many = try cursor.fetchMany(9)
        #expect(many.map { $0[0] } == (2...10).map { .int(Int64($0)) })
        var expected: Int64 = 11
        var sum: Int64 = 0
        while let row = try cursor.fetchOne() {
            #expect(row[0] == .int(expected), "row \(expected)")
            if row[0] != .int(expected) { break }
            sum += expected
            expected += 1
        }
        #expect(expected == 200_001)
        #expect(cursor.rowCount == 200_000)
        // Several statements stream too, and a later statement abandons an unread stream safely.
        try cursor.execute("SELECT generate_series(1, 3); SELECT 'b'")
        #expect(try cursor.fetchAll().count == 3)
        #expect(try cursor.nextResultSet())
        #expect(try cursor.fetchAll().map { $0[0] } == [.string("b")])
        try cursor.execute("SELECT generate_series(1, 100000)")
        _ = try cursor.fetchOne()
        let other = try connection.makeCursor()
        try other.execute("SELECT 'other'")
        #expect(try other.fetchOne()?[0] == .string("other"))
        #expect(databaseError { _ = try cursor.fetchOne() }?.kind == .misuse)
        // An error in the middle of the rows surfaces from a fetch, and the connection recovers.
        try cursor.execute("SELECT 10 / (5 - i) FROM generate_series(1, 10) AS i")
        #expect(databaseError { _ = try cursor.fetchAll() }?.kind == .dataException)
        #expect(try connection.scalar("SELECT 1") == .int(1))
    }

    @Test("isAlive, ping and parallel use of one connection from many threads")
    func sharedConnection() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        #expect(connection.isAlive)
        try connection.ping()
        let group = DispatchGroup()
        let failures = FailureCounter()
        for worker in 0..<8 {
            group.enter()
            Thread {
                defer { group.leave() }
                for i in 0..<50 {
                    let value = try? connection.scalar("SELECT %s::int8 * 2", [worker * 1000 + i])
                    if value != .int(Int64((worker * 1000 + i) * 2)) { failures.increment() }
                }
            }.start()
        }
        group.wait()
        #expect(failures.value == 0)
    }
}

/// A thread-safe counter for tests.
final class FailureCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
