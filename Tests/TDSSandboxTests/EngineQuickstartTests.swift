import DBCore
import TDSSandbox
import Testing

@Suite("Engine: the quickstart flows")
struct EngineQuickstartTests {
    @Test func inventoryCRUD() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        let created = try engine.ok(
            """
            DROP TABLE IF EXISTS inventory
            CREATE TABLE inventory (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(50), quantity int)
            """)
        #expect(created.doneCounts == [nil, nil])
        let insert = "INSERT INTO inventory (name, quantity) VALUES (@P1, @P2)"
        for (name, quantity) in [("banana", 150), ("orange", 154), ("apple", 100)] {
            let result = try engine.rpc(
                "sp_executesql",
                [
                    RPCParameter(name: "", type: .nvarchar(nil), value: .string(insert)),
                    RPCParameter(name: "", type: .nvarchar(nil), value: .string("@P1 nvarchar(4000), @P2 int")),
                    RPCParameter(name: "@P1", type: .nvarchar(4000), value: .string(name)),
                    RPCParameter(name: "@P2", type: .int, value: .int(Int64(quantity))),
                ])
            #expect(result.errors.isEmpty, "\(result.errors)")
            #expect(
                result.events.contains { if case .statementDone(1, true) = $0 { return true } else { return false } })
            #expect(result.events.contains { if case .returnStatus(0) = $0 { return true } else { return false } })
        }
        let select = try engine.ok("SELECT * FROM inventory ORDER BY id")
        let set = try #require(select.resultSets.first)
        #expect(set.columns.map(\.name) == ["id", "name", "quantity"])
        #expect(set.columns.map(\.type) == [.int, .nvarchar(50), .int])
        #expect(
            set.rows == [
                [.int(1), .string("banana"), .int(150)], [.int(2), .string("orange"), .int(154)],
                [.int(3), .string("apple"), .int(100)],
            ])
        #expect(select.doneCounts == [3])
        let update = try engine.ok("UPDATE inventory SET quantity = 200 WHERE name = N'banana'")
        #expect(update.doneCounts == [1])
        let delete = try engine.ok("DELETE FROM inventory WHERE name = 'orange'")
        #expect(delete.doneCounts == [1])
        let remaining = try engine.ok("SELECT name, quantity FROM inventory ORDER BY id")
        #expect(remaining.resultSets.first?.rows == [[.string("banana"), .int(200)], [.string("apple"), .int(100)]])
    }

    @Test func adventureWorksFlow() throws {
        let engine = try EngineHarness.makeEngine()
        defer { engine.close() }
        _ = try engine.ok(
            """
            CREATE SCHEMA SalesLT
            CREATE TABLE SalesLT.Customer (CustomerID int IDENTITY(1,1) PRIMARY KEY, CompanyName nvarchar(128) NOT NULL)
            CREATE TABLE SalesLT.SalesOrderHeader (SalesOrderID int IDENTITY(71774,1) PRIMARY KEY,
                CustomerID int NOT NULL REFERENCES SalesLT.Customer (CustomerID), TotalDue money NOT NULL)
            CREATE TABLE SalesLT.Product (ProductID int IDENTITY(680,1) PRIMARY KEY, Name nvarchar(50) NOT NULL,
                ProductNumber nvarchar(25) NOT NULL, StandardCost money NOT NULL, ListPrice money NOT NULL,
                SellStartDate datetime NOT NULL)
            INSERT SalesLT.Customer (CompanyName) VALUES ('A Bike Store'), ('Progressive Sports'), ('Advanced Bike Components')
            INSERT SalesLT.SalesOrderHeader (CustomerID, TotalDue) VALUES (1, 10.5), (1, 20), (2, 7.25)
            """)
        let grouped = try engine.ok(
            """
            SELECT c.CustomerID, c.CompanyName, COUNT(soh.SalesOrderID) AS OrderCount
            FROM SalesLT.Customer AS c LEFT OUTER JOIN SalesLT.SalesOrderHeader AS soh ON c.CustomerID = soh.CustomerID
            GROUP BY c.CustomerID, c.CompanyName ORDER BY OrderCount DESC;
            """)
        let set = try #require(grouped.resultSets.first)
        #expect(set.columns.map(\.name) == ["CustomerID", "CompanyName", "OrderCount"])
        #expect(set.columns.map(\.type) == [.int, .nvarchar(128), .int])
        #expect(set.rows.map { $0[2] } == [.int(2), .int(1), .int(0)])
        let inserted = try engine.ok(
            """
            INSERT SalesLT.Product (Name, ProductNumber, StandardCost, ListPrice, SellStartDate)
            OUTPUT INSERTED.ProductID VALUES ('SQL Server Express', 'SQLEXPRESS', 0, 0, CURRENT_TIMESTAMP)
            """)
        #expect(inserted.resultSets.first?.columns.map(\.name) == ["ProductID"])
        #expect(inserted.resultSets.first?.columns.first?.type == .int)
        #expect(inserted.scalar == .int(680))
        #expect(inserted.doneCounts == [1])
        let rolledBack = try engine.ok(
            """
            BEGIN TRANSACTION
            INSERT SalesLT.Product (Name, ProductNumber, StandardCost, ListPrice, SellStartDate)
            OUTPUT INSERTED.ProductID VALUES ('SQL Server Express New', 'SQLEXPRESS New', 0, 0, CURRENT_TIMESTAMP)
            ROLLBACK
            """)
        #expect(rolledBack.scalar == .int(681))
        #expect(rolledBack.environmentChanges.count == 2)
        let count = try engine.ok("SELECT COUNT(*) FROM SalesLT.Product")
        #expect(count.scalar == .int(1))
    }
}
