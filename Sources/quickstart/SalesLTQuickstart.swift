import DBCore

/// Microsoft's pymssql proof of concept (step 3), written against DBCore: a query joining `SalesLT.Customer` and
/// `SalesLT.SalesOrderHeader`, an `INSERT … OUTPUT INSERTED.ProductID` with parameters, and a rolled-back
/// transaction.
///
/// The AdventureWorksLT sample database is not available everywhere, so ``seed()`` first creates a small
/// `SalesLT` schema (Customer, SalesOrderHeader, Product) and fills it.
struct SalesLTQuickstart {
    /// Opens a new connection to the database under test.
    let connect: () throws -> any DatabaseConnection
    /// Where the lines go.
    let print: (String) -> Void

    /// Seeds the schema, then runs the three steps.
    func run() throws {
        try seed()
        try query()
        try insert()
        try rollback()
    }

    /// (Re)creates `SalesLT.Customer`, `SalesLT.SalesOrderHeader` and `SalesLT.Product` and adds three customers
    /// with 2, 1 and 0 orders.
    func seed() throws {
        let conn = try connect()
        defer { conn.close() }
        try conn.setAutocommit(true)
        let cursor = try conn.cursor()
        defer { cursor.close() }
        do {
            try cursor.execute("CREATE SCHEMA SalesLT")
        } catch let error as DatabaseError where error.number == 2714 {
            // The schema exists already (error 2714): keep it.
        }
        for table in ["SalesLT.SalesOrderHeader", "SalesLT.Customer", "SalesLT.Product"] {
            try cursor.execute("DROP TABLE IF EXISTS \(table)")
        }
        try cursor.execute(
            """
            CREATE TABLE SalesLT.Customer (
                CustomerID INT IDENTITY(1,1) PRIMARY KEY, CompanyName NVARCHAR(128) NOT NULL)
            """)
        try cursor.execute(
            """
            CREATE TABLE SalesLT.SalesOrderHeader (
                SalesOrderID INT IDENTITY(1,1) PRIMARY KEY,
                CustomerID INT NOT NULL REFERENCES SalesLT.Customer (CustomerID), TotalDue MONEY NOT NULL)
            """)
        try cursor.execute(
            """
            CREATE TABLE SalesLT.Product (
                ProductID INT IDENTITY(1,1) PRIMARY KEY, Name NVARCHAR(50) NOT NULL UNIQUE,
                ProductNumber NVARCHAR(25) NOT NULL UNIQUE, StandardCost MONEY NOT NULL, ListPrice MONEY NOT NULL,
                SellStartDate DATETIME NOT NULL)
            """)
        try cursor.executeMany(
            "INSERT INTO SalesLT.Customer (CompanyName) VALUES (%s)",
            [["A Bike Store"], ["Progressive Sports"], ["Advanced Bike Components"]])
        try cursor.executeMany(
            "INSERT INTO SalesLT.SalesOrderHeader (CustomerID, TotalDue) VALUES (%s, %s)",
            [[2, SQLDecimal("972.7850")!], [2, SQLDecimal("87.0851")!], [3, SQLDecimal("3754.9733")!]])
    }

    /// The customers and their order counts, most orders first.
    func query() throws {
        let conn = try connect()
        defer { conn.close() }
        let cursor = try conn.cursor()
        try cursor.execute(
            """
            SELECT c.CustomerID, c.CompanyName, COUNT(soh.SalesOrderID) AS OrderCount
            FROM SalesLT.Customer AS c
            LEFT OUTER JOIN SalesLT.SalesOrderHeader AS soh ON c.CustomerID = soh.CustomerID
            GROUP BY c.CustomerID, c.CompanyName
            ORDER BY OrderCount DESC;
            """)
        while let row = try cursor.fetchOne() {
            print(text(row[0]) + " " + text(row[1]) + " " + text(row[2]))
        }
        cursor.close()
    }

    /// Inserts a product with parameters and prints the key that `OUTPUT INSERTED.ProductID` returns.
    func insert() throws {
        let conn = try connect()
        defer { conn.close() }
        let cursor = try conn.cursor()
        try cursor.execute(
            """
            INSERT SalesLT.Product (Name, ProductNumber, StandardCost, ListPrice, SellStartDate)
            OUTPUT INSERTED.ProductID
            VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)
            """,
            ["SQL Server Express", "SQLEXPRESS", 0, 0])
        while let row = try cursor.fetchOne() {
            print("Inserted Product ID : " + text(row[0]))
        }
        try conn.commit()
    }

    /// Inserts inside `BEGIN TRANSACTION`, rolls back, and shows the product is gone.
    func rollback() throws {
        let conn = try connect()
        defer { conn.close() }
        let cursor = try conn.cursor()
        try cursor.execute("BEGIN TRANSACTION")
        try cursor.execute(
            """
            INSERT SalesLT.Product (Name, ProductNumber, StandardCost, ListPrice, SellStartDate)
            OUTPUT INSERTED.ProductID
            VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)
            """,
            ["SQL Server Express New", "SQLEXPRESS New", 0, 0])
        _ = try cursor.fetchAll()
        try conn.rollback()
        let count = try conn.query(
            "SELECT COUNT(*) FROM SalesLT.Product WHERE Name = \(bind: "SQL Server Express New")")
        print("Rolled back; products named 'SQL Server Express New' : " + text(count.first?[0] ?? .null))
        try conn.commit()
    }

    /// Python's `str()` of a value, as the pymssql sample prints it.
    private func text(_ value: SQLValue) -> String {
        switch value {
        case .null: return "None"
        case .int(let number): return String(number)
        case .string(let string): return string
        case .decimal(let decimal): return decimal.description
        case .bool(let flag): return flag ? "True" : "False"
        default: return "\(value)"
        }
    }
}
