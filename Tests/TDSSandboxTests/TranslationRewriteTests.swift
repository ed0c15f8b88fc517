import Testing

@testable import TDSSandbox

@Suite("T-SQL to PostgreSQL rewrites")
struct TranslationRewriteTests {
    private func query(
        _ sql: String, variables: [String: TSQLType] = [:]
    ) throws -> (PostgresQuery, QueryKind) {
        let statements = try TSQLTranslator.translate(sql, variables: variables)
        try #require(statements.count == 1)
        guard case .query(let query, let kind) = statements[0].action else {
            Issue.record("not a query: \(statements[0].action)")
            throw SQLServerMessage(number: 0, severity: 16, message: "not a query")
        }
        return (query, kind)
    }

    private func error(_ sql: String) -> SQLServerMessage? {
        do {
            _ = try TSQLTranslator.translate(sql)
            return nil
        } catch {
            return error
        }
    }

    @Test func identifiersFoldAndBracketsQuote() throws {
        let (q, kind) = try query("SELECT [Name], [user], CustomerID AS [Order Count] FROM dbo.[Customer]")
        #expect(q.sql == #"SELECT "name", "user", customerid AS "order count" FROM public."customer""#)
        #expect(kind == .select)
        #expect(q.columns.map(\.name) == ["Name", "user", "Order Count"])
    }

    @Test func outputNamesAliasesAndUnnamed() throws {
        let (q, _) = try query("SELECT c.CompanyName, COUNT(*) AS OrderCount, Total = 1 + 2, 3 x, 4 + 5, t.* FROM t")
        #expect(q.columns.map(\.name) == ["CompanyName", "OrderCount", "Total", "x", nil, nil])
        #expect(q.columns[1].typeHint == .int)
        #expect(q.columns[5].isStar)
        #expect(q.sql.contains(#"(1 + 2) AS "total""#) || q.sql.contains(#"1 + 2 AS "total""#))
    }

    @Test func nationalLiteralsAndEscapes() throws {
        let (q, _) = try query("SELECT N'O''Brien', 0x0AFF")
        #expect(q.sql == #"SELECT 'O''Brien', '\x0AFF'::bytea"#)
    }

    @Test func topBecomesLimit() throws {
        #expect(try query("SELECT TOP 5 * FROM t ORDER BY id").0.sql == "SELECT * FROM t ORDER BY id LIMIT 5")
        #expect(try query("SELECT TOP (2) a FROM t").0.sql == "SELECT a FROM t LIMIT (2)")
        #expect(
            try query("SELECT a FROM t WHERE b = (SELECT TOP 1 b FROM u)").0.sql
                == "SELECT a FROM t WHERE b = (SELECT b FROM u LIMIT 1)")
        #expect(error("SELECT TOP 10 PERCENT * FROM t")?.number == 40517)
    }

    @Test func variablesBecomeTypedPlaceholders() throws {
        let (q, _) = try query(
            "SELECT * FROM t WHERE name = @Name AND qty > @q OR name = @name",
            variables: ["@name": .nvarchar(50), "@q": .int])
        #expect(
            q.sql
                == "SELECT * FROM t WHERE name = CAST($1 AS varchar(50)) AND qty > CAST($2 AS integer) OR name = CAST($1 AS varchar(50))"
        )
        #expect(
            q.parameters == [
                ParameterReference(name: "@name", type: .nvarchar(50)), ParameterReference(name: "@q", type: .int),
            ])
        #expect(error("SELECT @missing")?.number == 137)
    }

    @Test func systemFunctions() throws {
        #expect(try query("SELECT @@ROWCOUNT").0.parameters.first?.name == "@@rowcount")
        #expect(try query("SELECT @@SPID").0.sql == "SELECT pg_backend_pid()")
        #expect(try query("SELECT @@VERSION").0.sql.contains("version()"))
        let (q, _) = try query("SELECT SCOPE_IDENTITY(), GETDATE(), SYSDATETIME(), NEWID(), DB_NAME()")
        // DB_NAME() is the session's T-SQL database name (it may be the alias master or tempdb), bound by the engine.
        #expect(
            q.sql
                == "SELECT tds_sandbox.last_identity(), LOCALTIMESTAMP(3), LOCALTIMESTAMP(6), gen_random_uuid(), CAST($1 AS varchar(128))"
        )
        #expect(q.parameters == [ParameterReference(name: "@@db_name", type: .nvarchar(128))])
        #expect(
            q.columns.map(\.typeHint) == [
                .decimal(precision: 38, scale: 0), .datetime, .datetime2(scale: 7), .uniqueidentifier, .nvarchar(128),
            ])
    }

    @Test func functionRewrites() throws {
        #expect(
            try query("SELECT ISNULL(a, 0), LEN(b) FROM t").0.sql == "SELECT COALESCE(a, 0), length(rtrim(b)) FROM t")
        #expect(
            try query("SELECT IIF(a > 1, 'x', 'y') FROM t").0.sql
                == "SELECT (CASE WHEN a > 1 THEN 'x' ELSE 'y' END) FROM t")
        #expect(try query("SELECT CHARINDEX('b', name) FROM t").0.sql == "SELECT strpos(name, 'b') FROM t")
        #expect(error("SELECT FORMAT(1, 'N')")?.number == 40517)
    }

    @Test func operatorsAndDateParts() throws {
        #expect(
            try query("SELECT 5 ^ 3, DATEPART(year, d), DATEPART(dy, d) FROM t").0.sql
                == "SELECT 5 # 3, CAST(extract(year FROM d) AS integer), CAST(extract(doy FROM d) AS integer) FROM t")
        #expect(error("SELECT * FROM t WHERE name LIKE '[a-c]%'")?.number == 40517)
        #expect(try query("SELECT * FROM t WHERE name LIKE 'a%'").0.sql == "SELECT * FROM t WHERE name LIKE 'a%'")
    }

    @Test func castAndConvert() throws {
        let (q, _) = try query(
            "SELECT CAST(a AS nvarchar(20)), CONVERT(decimal(10, 2), b), CONVERT(varchar(10), d, 23) FROM t")
        #expect(
            q.sql
                == "SELECT CAST(a AS varchar(20)), CAST(b AS numeric(10,2)), CAST(to_char(d, 'YYYY-MM-DD') AS varchar(10)) FROM t"
        )
        #expect(q.columns.map(\.typeHint) == [.nvarchar(20), .decimal(precision: 10, scale: 2), .varchar(10)])
        #expect(error("SELECT CONVERT(varchar, d, 131)")?.number == 40517)
        #expect(error("SELECT CAST(a AS nosuchtype)")?.number == 243)
    }

    @Test func createTableTypesIdentityAndCatalog() throws {
        let statements = try TSQLTranslator.translate(
            "CREATE TABLE SalesLT.Product (ProductID int IDENTITY(1,1) PRIMARY KEY, Name nvarchar(50) NOT NULL, "
                + "Flag bit, Age tinyint, Price money, Data varbinary(4), Note nvarchar(max), At datetime2(7))")
        guard case .createTable(let q, let table) = statements.first?.action else {
            Issue.record("not a CREATE TABLE")
            return
        }
        #expect(
            q.sql
                == "CREATE TABLE saleslt.product (productid integer GENERATED BY DEFAULT AS IDENTITY (START WITH 1 INCREMENT BY 1) PRIMARY KEY, name varchar(50) NOT NULL, flag boolean, age smallint CHECK (age BETWEEN 0 AND 255), price numeric(19,4), data bytea CHECK (octet_length(data) <= 4), note text, at timestamp(6))"
        )
        #expect(table.schema == "saleslt")
        #expect(table.name == "product")
        #expect(table.columns.map(\.name) == ["ProductID", "Name", "Flag", "Age", "Price", "Data", "Note", "At"])
        #expect(
            table.columns.map(\.type) == [
                .int, .nvarchar(50), .bit, .tinyint, .money, .varbinary(4), .nvarchar(nil), .datetime2(scale: 7),
            ])
    }

    @Test func dropTablePatterns() throws {
        #expect(
            try query("IF OBJECT_ID('dbo.t', 'U') IS NOT NULL DROP TABLE dbo.t").0.sql
                == "DROP TABLE IF EXISTS public.t")
        #expect(try query("DROP TABLE IF EXISTS [Inventory]").0.sql == #"DROP TABLE IF EXISTS "inventory""#)
        #expect(try query("CREATE SCHEMA SalesLT").0.sql == "CREATE SCHEMA saleslt")
    }

    @Test func insertWithoutIntoAndOutput() throws {
        let (q, kind) = try query(
            "INSERT SalesLT.Product (Name, ListPrice, SellStartDate) OUTPUT INSERTED.ProductID VALUES ('a', 0, CURRENT_TIMESTAMP)"
        )
        #expect(
            q.sql
                == "INSERT INTO saleslt.product (name, listprice, sellstartdate) VALUES ('a', 0, LOCALTIMESTAMP(3)) RETURNING productid"
        )
        #expect(q.columns.map(\.name) == ["ProductID"])
        #expect(kind == .dml)
    }

    @Test func updateAndDeleteOutput() throws {
        #expect(
            try query("UPDATE t SET a = 1 OUTPUT INSERTED.* WHERE id = 2").0.sql
                == "UPDATE t SET a = 1 WHERE id = 2 RETURNING *")
        #expect(try query("DELETE t OUTPUT DELETED.id WHERE id = 2").0.sql == "DELETE FROM t WHERE id = 2 RETURNING id")
        #expect(
            try query("UPDATE t SET a = a + 1 OUTPUT DELETED.a AS was, INSERTED.a WHERE id = 2").0.sql
                == "UPDATE t SET a = a + 1 FROM (SELECT tds_source.ctid AS tds_ctid, tds_source AS tds_old FROM t AS tds_source "
                + #"WHERE id = 2 FOR UPDATE) AS tds_deleted WHERE t.ctid = tds_deleted.tds_ctid RETURNING (tds_deleted.tds_old).a AS "was", t.a AS "a""#
        )
        #expect(error("UPDATE t SET a = 1 OUTPUT DELETED.a + 1")?.number == 40517)
    }

    @Test func sessionStatements() throws {
        let statements = try TSQLTranslator.translate(
            """
            SET NOCOUNT ON
            SET ANSI_NULLS ON
            SET TEXTSIZE 2147483647
            SET TRANSACTION ISOLATION LEVEL SNAPSHOT
            SET XACT_ABORT ON
            SET IMPLICIT_TRANSACTIONS OFF
            BEGIN TRANSACTION outer_tx
            SAVE TRAN sp1
            ROLLBACK TRAN sp1
            COMMIT
            DECLARE @n int = 5, @s nvarchar(10)
            SET @n += 1
            SELECT @s = name FROM t
            WAITFOR DELAY '00:00:01.5'
            """)
        let actions = statements.map(\.action)
        #expect(actions[0] == .setNoCount(true))
        #expect(actions[1] == .acceptedOption)
        #expect(actions[2] == .acceptedOption)
        #expect(actions[3] == .setIsolationLevel("REPEATABLE READ"))
        #expect(actions[4] == .setXactAbort(true))
        #expect(actions[5] == .setImplicitTransactions(false))
        #expect(actions[6] == .beginTransaction)
        #expect(actions[7] == .save("sp1"))
        #expect(actions[8] == .rollback(savepoint: "sp1"))
        #expect(actions[9] == .commit)
        guard case .declare(let name, let type, let initial) = actions[10] else {
            Issue.record("not a DECLARE")
            return
        }
        #expect(name == "@n" && type == .int && initial?.sql == "SELECT CAST((5) AS integer)")
        guard case .assign(let names, let q) = actions[13] else {
            Issue.record("not an assignment")
            return
        }
        #expect(names == ["@s"])
        #expect(q.sql == "SELECT name FROM t")
        #expect(actions[14] == .query(PostgresQuery(sql: "SELECT pg_sleep(1.5)"), .silent))
        #expect(statements.map(\.line) == Array(1...11) + [11, 12, 13, 14])
    }

    @Test func syntaxErrorsFailTheWholeBatch() {
        let message = error("SELECT 1\nSELECT FROM WHERE\nSELECT 2")
        #expect(message?.number == 102)
        #expect(error("SELECT (1 FROM t")?.severity == 15)
        #expect(error("BEGIN TRY SELECT 1 END TRY SELECT 2")?.number == 102)
        #expect(error("THROW")?.number == 10704)
    }

    @Test func bitLiteralsBecomeBooleans() throws {
        let statements = try TSQLTranslator.translate(
            "CREATE TABLE F (Id int, Flag bit)\nINSERT F VALUES (1, 1)\nINSERT F (Flag, Id) VALUES (0, 0), (1, 1)\nUPDATE F SET Flag = 0 WHERE Id = 1"
        )
        let sql = statements.dropFirst().map { statement -> String in
            if case .query(let q, _) = statement.action { return q.sql }
            return ""
        }
        #expect(
            sql == [
                "INSERT INTO f VALUES (1, TRUE)", "INSERT INTO f (flag, id) VALUES (FALSE, 0), (TRUE, 1)",
                "UPDATE f SET flag = FALSE WHERE id = 1",
            ])
        var asked: [String] = []
        _ = try TSQLTranslator.translate(
            "INSERT dbo.G VALUES (1)",
            columnResolver: { table in
                asked.append(table)
                return [CatalogColumn(name: "On", type: .bit)]
            })
        #expect(asked == [#""public"."g""#])
    }

    @Test func executeSQLArguments() throws {
        let statements = try TSQLTranslator.translate(
            "DECLARE @x int\nEXEC sp_executesql N'SELECT @a', N'@a int OUTPUT', @a = @x OUTPUT")
        guard case .executeSQL(let arguments) = statements.last?.action else {
            Issue.record("not EXEC sp_executesql")
            return
        }
        #expect(arguments.map(\.name) == [nil, nil, "@a"])
        #expect(arguments.map(\.outputVariable) == [nil, nil, "@x"])
        #expect(arguments[0].value.sql == "SELECT 'SELECT @a'")
        if case .execute(let call)? = try TSQLTranslator.translate("EXEC dbo.usp_Report 1").first?.action {
            #expect(call.name.schema == "dbo" && call.name.spelling == "usp_Report" && call.arguments.count == 1)
        } else {
            Issue.record("EXEC of a procedure")
        }
    }

    @Test func tableHintsAreRemoved() throws {
        #expect(try query("SELECT a FROM t WITH (NOLOCK) WHERE a = 1").0.sql == "SELECT a FROM t WHERE a = 1")
    }

    @Test func parameterDeclarations() throws {
        let declarations = try TSQLParameterDeclaration.parse("@P1 nvarchar(4000), @P2 int, @P3 decimal(12,2) OUTPUT")
        #expect(declarations.map(\.name) == ["@p1", "@p2", "@p3"])
        #expect(declarations.map(\.type) == [.nvarchar(4000), .int, .decimal(precision: 12, scale: 2)])
        #expect(declarations.map(\.isOutput) == [false, false, true])
        #expect(throws: SQLServerMessage.self) { try TSQLParameterDeclaration.parse("@a int, @A int") }
    }

    @Test func typeSpellingsRoundTrip() {
        let types: [TSQLType] = [
            .tinyint, .smallint, .int, .bigint, .bit, .decimal(precision: 12, scale: 2), .money, .smallmoney, .real,
            .float, .char(3), .varchar(10), .varchar(nil), .nchar(4), .nvarchar(50), .nvarchar(nil), .binary(8),
            .varbinary(16), .varbinary(nil), .date, .time(scale: 3), .datetime, .smalldatetime,
            .datetime2(scale: 7), .datetimeoffset(scale: 0), .uniqueidentifier,
        ]
        for type in types { #expect(TSQLType.parse(type.description) == type) }
        #expect(TSQLType.parse("ntext") == .nvarchar(nil))
        #expect(TSQLType.parse("image") == .varbinary(nil))
        #expect(TSQLType.parse("timestamp") == nil)
    }

    @Test func whileNeedsALoopForBreak() throws {
        #expect(error("BREAK")?.number == 135)
        let statements = try TSQLTranslator.translate(
            "DECLARE @i int = 0\nWHILE @i < 3 BEGIN SET @i += 1 IF @i = 2 BREAK END")
        guard case .whileLoop(let condition, let body)? = statements.last?.action else {
            Issue.record("not a WHILE")
            return
        }
        #expect(condition.sql == "SELECT COALESCE((CAST($1 AS integer) < 3), false)")
        #expect(body.count == 1)
    }

    @Test func rejectsSevenDigitFractions() {
        #expect(error("SELECT CAST('2024-01-01 10:00:00.1234567' AS datetime2(7))")?.number == 241)
        #expect(error("SELECT CAST('2024-01-01 10:00:00.1234560' AS datetime2(7))") == nil)
    }
}
