import DBCore
import DBSQLKit
import SQLKit
import Testing

/// The T-SQL the SQL Server dialect renders for each SQLKit statement kind (no server needed).
@Suite struct SQLServerDialectRenderingTests {
    let db = DBSQLDatabase.rendering(for: .sqlServer)

    func sql(_ builder: some SQLQueryBuilder) throws -> String { try db.render(builder.query).sql }

    @Test func selectWithLimitAndNoOrderUsesTop() throws {
        #expect(
            try sql(db.select().column("name").from("planets").where("id", .greaterThan, 3).limit(5))
                == "SELECT TOP (5) [name] FROM [planets] WHERE [id] > @P1")
    }

    @Test func selectWithOffsetAndNoOrderOrdersByNothing() throws {
        #expect(
            try sql(db.select().column("*").from("planets").limit(10).offset(20))
                == "SELECT * FROM [planets] ORDER BY (SELECT NULL) OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY")
    }

    @Test func selectWithOrderLimitAndOffset() throws {
        #expect(
            try sql(db.select().column("name").from("planets").orderBy("name", .descending).limit(3).offset(1))
                == "SELECT [name] FROM [planets] ORDER BY [name] DESC OFFSET 1 ROWS FETCH NEXT 3 ROWS ONLY")
    }

    @Test func distinctSelectWithOffsetOrdersByFirstColumn() throws {
        #expect(
            try sql(db.select().distinct().column("name").from("planets").offset(2))
                == "SELECT DISTINCT [name] FROM [planets] ORDER BY 1 OFFSET 2 ROWS")
    }

    @Test func booleansStringsAndBinds() throws {
        #expect(
            try sql(
                db.select().column("*").from("t").where("flag", .equal, SQLLiteral.boolean(true))
                    .where("name", .equal, SQLLiteral.string("Zoë's")))
                == "SELECT * FROM [t] WHERE [flag] = 1 AND [name] = N'Zoë''s'")
    }

    @Test func insertReturningUsesOutputInserted() throws {
        let statement = try db.render(
            db.insert(into: "planets").columns("id", "name")
                .values(SQLLiteral.default, SQLBind("Earth")).returning("id").query)
        #expect(statement.sql == "INSERT INTO [planets] ([name]) OUTPUT INSERTED.[id] VALUES (@P1)")
        #expect(statement.parameters == [.string("Earth")])
    }

    @Test func insertOfDefaultsOnlyUsesDefaultValues() throws {
        #expect(
            try sql(db.insert(into: "planets").columns("id").values(SQLLiteral.default))
                == "INSERT INTO [planets] DEFAULT VALUES")
    }

    @Test func upsertBecomesMerge() throws {
        let query = db.insert(into: "planets").columns("id", "name").values(SQLBind(1), SQLBind("Earth"))
            .onConflict(with: ["id"]) { $0.set(excludedValueOf: "name") }
        #expect(
            try sql(query) == """
                MERGE INTO [planets] WITH (HOLDLOCK) USING (VALUES (@P1, @P2) ) AS [EXCLUDED] ([id], [name]) \
                ON [planets].[id] = [EXCLUDED].[id] WHEN MATCHED THEN UPDATE SET [name] = EXCLUDED.[name] \
                WHEN NOT MATCHED THEN INSERT ([id], [name]) VALUES ([EXCLUDED].[id], [EXCLUDED].[name]) ;
                """)
    }

    @Test func ignoringConflictsBecomesMergeWithoutUpdate() throws {
        let query = db.insert(into: "planets").columns("id", "name").values(SQLBind(1), SQLBind("Earth"))
            .ignoringConflicts(with: ["id"])
        #expect(
            try sql(query) == """
                MERGE INTO [planets] WITH (HOLDLOCK) USING (VALUES (@P1, @P2) ) AS [EXCLUDED] ([id], [name]) \
                ON [planets].[id] = [EXCLUDED].[id] \
                WHEN NOT MATCHED THEN INSERT ([id], [name]) VALUES ([EXCLUDED].[id], [EXCLUDED].[name]) ;
                """)
    }

    @Test func createTableIfNotExistsIsGuarded() throws {
        let query = db.create(table: "planets").ifNotExists()
            .column("id", type: .bigint, .primaryKey)
            .column("name", type: .text, .notNull, .default(SQLLiteral.string("Unnamed")))
            .column("galaxy_id", type: .bigint, .references("galaxies", "id", onDelete: .cascade, onUpdate: .restrict))
            .column("flag", type: .custom(SQLRaw("BOOLEAN")))
        #expect(
            try sql(query) == """
                IF OBJECT_ID( N'planets' , N'U') IS NULL CREATE TABLE [planets] \
                ([id] BIGINT PRIMARY KEY IDENTITY(1,1), [name] NVARCHAR(MAX) NOT NULL DEFAULT N'Unnamed', \
                [galaxy_id] BIGINT REFERENCES [galaxies] ([id]) ON DELETE CASCADE ON UPDATE NO ACTION, [flag] BIT)
                """)
    }

    @Test func alterTableIsSplitPerKindOfChange() throws {
        let query = db.alter(table: "planets")
            .column("extra", type: .int).column("more", type: .text)
            .dropColumn("old")
            .update(column: "size", type: .bigint)
        #expect(
            try sql(query) == """
                ALTER TABLE [planets] DROP COLUMN [old]; ALTER TABLE [planets] ADD [extra] INT, [more] NVARCHAR(MAX); \
                ALTER TABLE [planets] ALTER COLUMN [size] BIGINT
                """)
    }

    @Test func dropTableAndIndex() throws {
        #expect(try sql(db.drop(table: "planets").ifExists()) == "DROP TABLE IF EXISTS [planets]")
        #expect(try sql(db.drop(index: "ix").on("planets")) == "DROP INDEX [ix] ON [planets]")
    }

    @Test func joinsAndSubqueries() throws {
        let query = db.select().column(SQLColumn("name", table: "planets")).from("planets")
            .join(
                "galaxies", method: SQLJoinMethod.inner, on: SQLColumn("galaxy_id", table: "planets"), .equal,
                SQLColumn("id", table: "galaxies")
            )
            .where(
                SQLColumn("id", table: "planets"), .in,
                SQLSubquery.select { $0.column("planet_id").from("moons").limit(1) })
        #expect(
            try sql(query) == """
                SELECT [planets].[name] FROM [planets] INNER JOIN [galaxies] ON [planets].[galaxy_id] = [galaxies].[id] \
                WHERE [planets].[id] IN (SELECT TOP (1) [planet_id] FROM [moons])
                """)
    }

    @Test func lockingClausesBecomeTableHints() throws {
        #expect(
            try sql(db.select().column("*").from("planets").where("id", .equal, 1).for(.update))
                == "SELECT * FROM [planets] WITH (UPDLOCK, ROWLOCK) WHERE [id] = @P1")
        #expect(
            try sql(db.select().column("*").from("planets").for(.share))
                == "SELECT * FROM [planets] WITH (HOLDLOCK, ROWLOCK)")
    }

    @Test func updateAndDeleteReturning() throws {
        #expect(
            try sql(db.update("planets").set("name", to: "X").where("id", .equal, 1).returning("id", "name"))
                == "UPDATE [planets] SET [name] = @P1 OUTPUT INSERTED.[id], INSERTED.[name] WHERE [id] = @P2")
        #expect(
            try sql(db.delete(from: "planets").where("id", .equal, 1).returning("*"))
                == "DELETE FROM [planets] OUTPUT DELETED.* WHERE [id] = @P1")
    }

    @Test func unionWithLimit() throws {
        let query = db.union { $0.column("name").from("a") }.union(all: { $0.column("name").from("b") }).limit(2)
        #expect(
            try sql(query) == """
                SELECT [name] FROM [a] UNION ALL SELECT [name] FROM [b] ORDER BY 1 OFFSET 0 ROWS FETCH NEXT 2 ROWS ONLY
                """)
    }

    @Test func unrenderableStatementsFailBeforeSending() throws {
        func refusal(_ query: any SQLExpression) -> String? {
            switch Result(catching: { try db.render(query) }) {
            case .success: return nil
            case .failure(let error as DatabaseError): return error.kind == .unsupported ? error.message : "\(error)"
            case .failure(let error): return "\(error)"
            }
        }
        #expect(refusal(db.create(enum: "mood").value("happy").query)?.contains("enum type") == true)
        #expect(refusal(db.drop(table: "planets").cascade().query)?.contains("CASCADE") == true)
        #expect(refusal(db.alter(table: "planets").rename(to: "worlds").query)?.contains("RENAME") == true)
        #expect(refusal(db.drop(index: "ix").query)?.contains("DROP INDEX") == true)
        #expect(
            refusal(db.insert(into: "t").columns("a").values(SQLBind(1)).ignoringConflicts().query)?
                .contains("conflict target") == true)
        #expect(
            refusal(db.select().column("*").from("t").where(SQLRaw("a ILIKE 'x'")).query)?.contains("ILIKE") == true)
        #expect(refusal(db.select().column("*").from("t").where(SQLRaw("x::int = 1")).query)?.contains("::") == true)
        #expect(
            refusal(SQLList([SQLRaw("SELECT 1"), SQLRaw("LIMIT 1")], separator: SQLRaw(" ")))?.contains("LIMIT") == true
        )
    }

    @Test func rawSQLPassesUnchanged() throws {
        #expect(
            try db.render(SQLRaw("IF NOT EXISTS (SELECT 1) SELECT \"x\" LIMIT")).sql
                == "IF NOT EXISTS (SELECT 1) SELECT \"x\" LIMIT")
    }
}

/// The PostgreSQL dialect renders what PostgreSQL parses (spot checks; the SQLBenchmarker runs the rest).
@Suite struct PostgreSQLDialectRenderingTests {
    let db = DBSQLDatabase.rendering(for: .postgresql)

    @Test func limitOffsetReturningUpsert() throws {
        #expect(
            try db.render(db.select().column("*").from("t").limit(1).offset(2).query).sql
                == "SELECT * FROM \"t\" LIMIT 1 OFFSET 2")
        #expect(
            try db.render(
                db.insert(into: "t").columns("a").values(SQLBind(1)).onConflict(with: ["a"]) {
                    $0.set(excludedValueOf: "a")
                }.returning("a").query
            ).sql
                == "INSERT INTO \"t\" (\"a\") VALUES ($1) ON CONFLICT (\"a\") DO UPDATE SET \"a\" = EXCLUDED.\"a\" RETURNING \"a\""
        )
    }
}
