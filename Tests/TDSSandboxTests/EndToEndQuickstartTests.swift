import DBCore
import Foundation
import TDSSandbox
import Testing

/// Both quickstarts' SQL over the real wire protocol against the real engine: the PostgreSQL quickstart's
/// inventory CRUD and the pymssql quickstart's AdventureWorksLT flow, through a raw TDS client and through `tsql`.
@Suite("End to end: the quickstarts")
struct EndToEndQuickstartTests {
    @Test func inventoryCRUDOverRawTDS() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        let created = try client.batch(
            """
            DROP TABLE IF EXISTS inventory
            CREATE TABLE inventory (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(50), quantity int)
            """)
        #expect(created.errors.isEmpty, "\(created.errors)")
        #expect(created.doneCounts == [nil, nil])
        for (name, quantity) in [("banana", 150), ("orange", 154), ("apple", 100)] {
            let inserted = try client.executeSQL(
                "INSERT INTO inventory (name, quantity) VALUES (@P1, @P2)", declarations: "@P1 nvarchar(50), @P2 int",
                [
                    RPCParameter(name: "@P1", type: .nvarchar(50), value: .string(name)),
                    RPCParameter(name: "@P2", type: .int, value: .int(Int64(quantity))),
                ])
            #expect(inserted.errors.isEmpty, "\(inserted.errors)")
            // DONEINPROC with the count, RETURNSTATUS 0, then the final DONEPROC.
            #expect(inserted.dones.map(\.token) == [0xFF, 0xFE])
            #expect(inserted.dones.first?.count == 1)
            #expect(inserted.tokens.contains { if case .returnStatus(0) = $0 { true } else { false } })
            #expect(inserted.final?.hasMore == false)
        }
        let select = try client.batch("SELECT * FROM inventory ORDER BY id")
        let set = try #require(select.resultSets.first)
        #expect(set.columns.map(\.name) == ["id", "name", "quantity"])
        #expect(set.columns.map(\.typeByte) == [0x26, 0xE7, 0x26])
        #expect(set.columns.map(\.maxLength) == [4, 100, 4])
        #expect(
            set.rows == [
                [.int(1), .string("banana"), .int(150)], [.int(2), .string("orange"), .int(154)],
                [.int(3), .string("apple"), .int(100)],
            ])
        #expect(select.dones.count == 1)
        #expect(select.final?.count == 3)
        #expect(select.final?.command == 0xC1)  // SELECT
        let update = try client.batch("UPDATE inventory SET quantity = 200 WHERE name = N'banana'")
        #expect(update.doneCounts == [1])
        let delete = try client.batch("DELETE FROM inventory WHERE name = 'orange'")
        #expect(delete.doneCounts == [1])
        let remaining = try client.batch("SELECT name, quantity FROM inventory ORDER BY id")
        #expect(remaining.rows == [[.string("banana"), .int(200)], [.string("apple"), .int(100)]])
    }

    @Test(.enabled(if: EndToEndSandbox.hasTsql, "tsql is not installed"))
    func inventoryCRUDThroughTsql() throws {
        let sandbox = try EndToEndSandbox()
        let results = try sandbox.tsql(
            """
            DROP TABLE IF EXISTS inventory
            CREATE TABLE inventory (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(50), quantity int)
            go
            INSERT INTO inventory (name, quantity) VALUES (N'banana', 150)
            INSERT INTO inventory (name, quantity) VALUES (N'orange', 154)
            INSERT INTO inventory (name, quantity) VALUES (N'apple', 100)
            go
            SELECT * FROM inventory ORDER BY id
            go
            UPDATE inventory SET quantity = 200 WHERE name = N'banana'
            go
            DELETE FROM inventory WHERE name = N'orange'
            go
            SELECT id, name, quantity FROM inventory ORDER BY id
            go
            exit

            """)
        #expect(results.errors.isEmpty, "\(results.printed)")
        #expect(results.tables.count == 2, "\(results.printed)")
        #expect(results.tables.first?.header == ["id", "name", "quantity"], "\(results.printed)")
        #expect(
            results.tables.first?.rows == [["1", "banana", "150"], ["2", "orange", "154"], ["3", "apple", "100"]])
        #expect(results.tables.last?.rows == [["1", "banana", "200"], ["3", "apple", "100"]], "\(results.printed)")
        // tsql prints the count of result sets that have rows (not of DML).
        #expect(results.rowsAffected == [3, 2], "\(results.printed)")
    }

    /// The AdventureWorksLT-like schema of the pymssql quickstart, created and seeded.
    static let adventureWorks = """
        CREATE SCHEMA SalesLT
        go
        CREATE TABLE SalesLT.Customer (CustomerID int IDENTITY(1,1) PRIMARY KEY, CompanyName nvarchar(128) NOT NULL)
        CREATE TABLE SalesLT.SalesOrderHeader (SalesOrderID int IDENTITY(71774,1) PRIMARY KEY,
            CustomerID int NOT NULL REFERENCES SalesLT.Customer (CustomerID), TotalDue money NOT NULL)
        CREATE TABLE SalesLT.Product (ProductID int IDENTITY(680,1) PRIMARY KEY, Name nvarchar(50) NOT NULL UNIQUE,
            ProductNumber nvarchar(25) NOT NULL UNIQUE, StandardCost money NOT NULL, ListPrice money NOT NULL,
            SellStartDate datetime NOT NULL)
        INSERT SalesLT.Customer (CompanyName) VALUES ('A Bike Store'), ('Progressive Sports'), ('Advanced Bike Components')
        INSERT SalesLT.SalesOrderHeader (CustomerID, TotalDue) VALUES (1, 10.5), (1, 20), (2, 7.25)
        """

    static let groupQuery = """
        SELECT c.CustomerID, c.CompanyName, COUNT(soh.SalesOrderID) AS OrderCount
        FROM SalesLT.Customer AS c LEFT OUTER JOIN SalesLT.SalesOrderHeader AS soh ON c.CustomerID = soh.CustomerID
        GROUP BY c.CustomerID, c.CompanyName ORDER BY OrderCount DESC;
        """

    static func productInsert(_ suffix: String) -> String {
        """
        INSERT SalesLT.Product (Name, ProductNumber, StandardCost, ListPrice, SellStartDate)
        OUTPUT INSERTED.ProductID VALUES ('SQL Server Express\(suffix)', 'SQLEXPRESS\(suffix)', 0, 0, CURRENT_TIMESTAMP)
        """
    }

    @Test func adventureWorksOverRawTDS() throws {
        let sandbox = try EndToEndSandbox()
        let client = try sandbox.client()
        for part in Self.adventureWorks.components(separatedBy: "go\n") {
            let setup = try client.batch(part)
            #expect(setup.errors.isEmpty, "\(setup.errors)")
        }
        let grouped = try client.batch(Self.groupQuery)
        let set = try #require(grouped.resultSets.first)
        #expect(set.columns.map(\.name) == ["CustomerID", "CompanyName", "OrderCount"])
        #expect(set.columns.map(\.typeByte) == [0x26, 0xE7, 0x26])
        #expect(
            set.rows == [
                [.int(1), .string("A Bike Store"), .int(2)], [.int(2), .string("Progressive Sports"), .int(1)],
                [.int(3), .string("Advanced Bike Components"), .int(0)],
            ])
        #expect(grouped.final?.count == 3)

        let inserted = try client.batch(Self.productInsert(""))
        #expect(inserted.errors.isEmpty, "\(inserted.errors)")
        #expect(inserted.resultSets.first?.columns.map(\.name) == ["ProductID"])
        #expect(inserted.scalar == .int(680))
        #expect(inserted.final?.count == 1)

        // pymssql: cursor.execute("BEGIN TRANSACTION"), the insert, conn.rollback() — three requests.
        let begun = try client.batch("BEGIN TRANSACTION")
        let descriptor = try #require(begun.envChanges.first { $0.type == 8 }?.descriptor)
        #expect(descriptor != 0)
        #expect(begun.final?.inTransaction == true)
        let second = try client.batch(Self.productInsert(" New"))
        #expect(second.scalar == .int(681))
        #expect(second.final?.inTransaction == true)
        let rolledBack = try client.batch("IF @@TRANCOUNT > 0 ROLLBACK TRAN")
        #expect(rolledBack.envChanges.map(\.type) == [10])
        #expect(rolledBack.envChanges.first?.descriptor == descriptor)
        #expect(rolledBack.final?.inTransaction == false)
        let products = try client.batch("SELECT ProductID, Name FROM SalesLT.Product ORDER BY ProductID")
        #expect(products.rows == [[.int(680), .string("SQL Server Express")]])
    }

    @Test(.enabled(if: EndToEndSandbox.hasTsql, "tsql is not installed"))
    func adventureWorksThroughTsql() throws {
        let sandbox = try EndToEndSandbox()
        let results = try sandbox.tsql(
            Self.adventureWorks + "\ngo\n" + Self.groupQuery + "\ngo\n" + Self.productInsert("") + "\ngo\n"
                + "BEGIN TRANSACTION\ngo\n" + Self.productInsert(" New") + "\ngo\nROLLBACK\ngo\n"
                + "SELECT COUNT(*) AS n FROM SalesLT.Product WHERE Name = 'SQL Server Express New'\ngo\nexit\n")
        #expect(results.errors.isEmpty, "\(results.printed)")
        try #require(results.tables.count == 4, "\(results.printed)")
        #expect(results.tables[0].header == ["CustomerID", "CompanyName", "OrderCount"])
        #expect(
            results.tables[0].rows == [
                ["1", "A Bike Store", "2"], ["2", "Progressive Sports", "1"], ["3", "Advanced Bike Components", "0"],
            ])
        #expect(results.tables[1].header == ["ProductID"])
        #expect(results.tables[1].rows == [["680"]])
        #expect(results.tables[2].rows == [["681"]])
        // The rolled-back row is gone.
        #expect(results.tables[3].rows == [["0"]])
    }
}
