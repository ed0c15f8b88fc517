import DBCore
import Foundation
import PGDriver
import TestSupport
import Testing

@Suite("Async connections and cancellation")
struct AsyncConnectionTests {
    @Test("cancelling a task stops a running pg_sleep(30) on the server; the connection is reused")
    func cancelStopsStatement() async throws {
        let pool = try PoolTestDatabase.pool(PoolConfiguration(maximumSize: 1, acquireTimeout: 20))
        defer { pool.close() }
        let marker = poolingDatabase.uniqueName("sleeper")
        let sleeper = Task {
            try await pool.withConnection { connection in
                try await connection.execute("SELECT pg_sleep(30) AS \(unsafeRaw: marker)")
            }
        }
        // Cancel once the statement runs on the server. The admin connection's blocking libpq calls and the polling
        // run off the cooperative pool: on its two threads they could starve the sleeper's and the pool's tasks.
        let admin = try await offPool { try poolingDatabase.adminConnection() }
        defer { admin.close() }
        #expect(
            try await offPool {
                try PoolTestDatabase.eventually {
                    try admin.integer(
                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%\(marker)%' AND pid <> pg_backend_pid()"
                    ) == 1
                }
            })
        sleeper.cancel()
        let outcome = await sleeper.result
        #expect(throws: DatabaseError.self) { try outcome.get() }
        if case .failure(let error as DatabaseError) = outcome { #expect(error.kind == .cancelled) }

        let statistics = pool.statistics
        #expect(statistics.inUse == 0)
        let value = try await pool.withConnection { connection in
            try await connection.query("SELECT 41 + 1")[0].get(Int.self, at: 0)
        }
        #expect(value == 42)
        #expect(pool.statistics.created == 1)  // the same connection served again
    }

    @Test("a task cancelled while it holds a connection returns it")
    func cancelledTaskReturnsConnection() async throws {
        let pool = try PoolTestDatabase.pool(PoolConfiguration(maximumSize: 1))
        defer { pool.close() }
        let holder = Task {
            try await pool.withConnection { connection in
                _ = try await connection.query("SELECT 1")
                try await Task.sleep(for: .seconds(30))
            }
        }
        #expect(await PoolTestDatabase.eventuallyAsync { pool.statistics.inUse == 1 })
        holder.cancel()
        _ = await holder.result
        #expect(pool.statistics.inUse == 0)
        #expect(pool.statistics.idle == 1)
    }

    @Test("AsyncConnection: connect, execute, transactions and rows in batches, over PGDriver")
    func asyncConnectionBasics() async throws {
        let connection = try await AsyncConnection.connect(try poolingDatabase.configuration(), driver: PGDriver())
        let table = poolingDatabase.uniqueName("async_rows")
        try await connection.execute("CREATE TABLE \(unsafeRaw: table) (id int PRIMARY KEY, name text)")
        let inserted = try await connection.execute(
            "INSERT INTO \(unsafeRaw: table) SELECT g, 'n' || g FROM generate_series(1, 2500) AS g")
        #expect(inserted == 2500)
        try await connection.commit()

        var batchSizes: [Int] = []
        for try await batch in connection.rowBatches("SELECT id FROM \(unsafeRaw: table) ORDER BY id", batchSize: 1000)
        {
            batchSizes.append(batch.count)
        }
        #expect(batchSizes == [1000, 1000, 500])

        var sum = 0
        for try await row in connection.rows("SELECT id FROM \(unsafeRaw: table)") {
            sum += try row.get(Int.self, at: 0)
        }
        #expect(sum == 2500 * 2501 / 2)

        let first = try await connection.query("SELECT name FROM \(unsafeRaw: table) WHERE id = \(bind: 7)")
        #expect(first[0]["name"] == .string("n7"))
        let typed = try await connection.query("SELECT name FROM \(table) WHERE id = %s", [8])
        #expect(typed[0]["name"] == .string("n8"))

        await #expect(throws: DatabaseError.self) {
            try await connection.withTransaction { connection in
                try await connection.execute("DELETE FROM \(unsafeRaw: table)")
                throw DatabaseError.misuse("roll back")
            }
        }
        #expect(try await connection.query("SELECT count(*) FROM \(unsafeRaw: table)")[0].get(Int.self, at: 0) == 2500)
        try await connection.execute("DROP TABLE \(unsafeRaw: table)")
        try await connection.commit()
        await connection.close()
        #expect(connection.isAlive == false)
    }

    @Test("rows hands out every row once, in order, across batch boundaries, through both next() entry points")
    func rowsInOrderAcrossBatches() async throws {
        let connection = try await AsyncConnection.connect(try poolingDatabase.configuration(), driver: PGDriver())
        for total in [0, 1, 2, 3, 4, 7] {
            // Batches of 3: every total from none to more than two batches, with and without a short last batch.
            var values: [Int] = []
            for try await row in connection.rows(
                "SELECT g FROM generate_series(1, \(bind: total)) AS g ORDER BY g", batchSize: 3)
            {
                values.append(try row.get(Int.self, at: 0))
            }
            #expect(values == Array(stride(from: 1, through: total, by: 1)), "total \(total)")

            var iterator = connection.rows(
                "SELECT g FROM generate_series(1, \(bind: total)) AS g ORDER BY g", batchSize: 3
            ).makeAsyncIterator()
            var viaNext: [Int] = []
            while let row = try await iterator.next() { viaNext.append(try row.get(Int.self, at: 0)) }
            #expect(viaNext == values, "total \(total)")
            #expect(try await iterator.next() == nil)
        }
        await connection.close()
    }

    @Test("rows reach main-actor code in batches")
    @MainActor
    func rowsOnMainActor() async throws {
        let connection = try await AsyncConnection.connect(try poolingDatabase.configuration(), driver: PGDriver())
        var count = 0
        for try await _ in connection.rows("SELECT g FROM generate_series(1, 3001) AS g") { count += 1 }
        #expect(count == 3001)
        await connection.close()
    }
}
