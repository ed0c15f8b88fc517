import DBCore

/// The Azure quickstart's inventory flow (create and insert, read, update, delete), written only against DBCore.
///
/// Each step opens its own connection, as the quickstart's separate scripts do, and prints the quickstart's lines.
/// The same code runs on every backend; only the `CREATE TABLE` differs, because the column that numbers the rows
/// is `serial` in PostgreSQL and `IDENTITY(1,1)` in SQL Server.
struct InventoryQuickstart {
    /// Opens a new connection to the database under test.
    let connect: () throws -> any DatabaseConnection
    /// Where the lines go.
    let print: (String) -> Void

    /// Runs all four steps in order.
    func run() throws {
        try createAndInsert()
        try read()
        try update()
        try delete()
    }

    /// Drops and creates `inventory`, then inserts banana 150, orange 154, apple 100.
    func createAndInsert() throws {
        let conn = try connect()
        defer { conn.close() }
        print("Connection established")
        let cursor = try conn.cursor()

        try cursor.execute("DROP TABLE IF EXISTS inventory;")
        print("Finished dropping table (if existed)")

        switch conn.dialect.backend {
        case .postgresql:
            try cursor.execute("CREATE TABLE inventory (id serial PRIMARY KEY, name VARCHAR(50), quantity INTEGER);")
        case .sqlServer:
            try cursor.execute(
                "CREATE TABLE inventory (id INT IDENTITY(1,1) PRIMARY KEY, name NVARCHAR(50), quantity INTEGER);")
        }
        print("Finished creating table")

        try cursor.execute("INSERT INTO inventory (name, quantity) VALUES (%s, %s);", ["banana", 150])
        try cursor.execute("INSERT INTO inventory (name, quantity) VALUES (%s, %s);", ["orange", 154])
        try cursor.execute("INSERT INTO inventory (name, quantity) VALUES (%s, %s);", ["apple", 100])
        print("Inserted 3 rows of data")

        try conn.commit()
        cursor.close()
    }

    /// Reads every row and prints it as the quickstart does.
    func read() throws {
        let conn = try connect()
        defer { conn.close() }
        print("Connection established")
        let cursor = try conn.cursor()

        try cursor.execute("SELECT * FROM inventory;")
        let rows = try cursor.fetchAll()
        for row in rows {
            let id = try row.get(Int.self, at: 0)
            let name = try row.get(String.self, at: 1)
            let quantity = try row.get(Int.self, at: 2)
            print("Data row = (\(id), \(name), \(quantity))")
        }

        try conn.commit()
        cursor.close()
    }

    /// Sets banana's quantity to 200.
    func update() throws {
        let conn = try connect()
        defer { conn.close() }
        print("Connection established")
        let cursor = try conn.cursor()

        try cursor.execute("UPDATE inventory SET quantity = %s WHERE name = %s;", [200, "banana"])
        print("Updated \(cursor.rowCount) row of data")

        try conn.commit()
        cursor.close()
    }

    /// Deletes orange.
    func delete() throws {
        let conn = try connect()
        defer { conn.close() }
        print("Connection established")
        let cursor = try conn.cursor()

        try cursor.execute("DELETE FROM inventory WHERE name = %s;", ["orange"])
        print("Deleted \(cursor.rowCount) row of data")

        try conn.commit()
        cursor.close()
    }
}
