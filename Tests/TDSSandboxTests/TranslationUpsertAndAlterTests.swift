import Testing

@testable import TDSSandbox

/// The T-SQL that SQLKit's SQL Server dialect sends for upserts, schema changes, paging and JSON paths, as the
/// sandbox translates it.
@Suite("T-SQL MERGE, ALTER TABLE, OFFSET/FETCH and JSON translation")
struct TranslationUpsertAndAlterTests {
    private func sql(_ batch: String, variables: [String: TSQLType] = [:]) throws -> [String] {
        try TSQLTranslator.translate(batch, variables: variables).map { statement in
            switch statement.action {
            case .query(let query, _): return query.sql
            case .createTable(let query, _): return query.sql
            default: return "\(statement.action)"
            }
        }
    }

    private func error(_ batch: String) -> SQLServerMessage? {
        do {
            _ = try TSQLTranslator.translate(batch)
            return nil
        } catch {
            return error
        }
    }

    @Test func mergeUpsertBecomesInsertOnConflict() throws {
        let statements = try sql(
            """
            MERGE INTO [planets] WITH (HOLDLOCK) USING (VALUES (@P1, @P2) ) AS [EXCLUDED] ([id], [name]) \
            ON [planets].[id] = [EXCLUDED].[id] WHEN MATCHED AND [planets].[name] IS NULL \
            THEN UPDATE SET [name] = EXCLUDED.[name] \
            WHEN NOT MATCHED THEN INSERT ([id], [name]) VALUES ([EXCLUDED].[id], [EXCLUDED].[name]) \
            OUTPUT INSERTED.[id];
            """, variables: ["@p1": .bigint, "@p2": .nvarchar(nil)])
        #expect(statements.count == 1)
        let text = try #require(statements.first)
        #expect(
            text == #"INSERT INTO "planets" ("id", "name") VALUES (CAST($1 AS bigint), CAST($2 AS text)) "#
                + #"ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name" WHERE "planets"."name" IS NULL "#
                + #"RETURNING "id""#)
    }

    @Test func mergeWithoutMatchedClauseDoesNothingOnConflict() throws {
        let statements = try sql(
            """
            MERGE INTO t USING (VALUES (1, 2)) AS s (a, b) ON t.a = s.a AND t.b = s.b \
            WHEN NOT MATCHED THEN INSERT (a, b) VALUES (s.a, s.b);
            """)
        #expect(statements == ["INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a, b) DO NOTHING"])
    }

    @Test func otherMergeFormsAreRefused() {
        #expect(error("MERGE t USING s ON t.a = s.a WHEN MATCHED THEN DELETE;")?.number == 40517)
        #expect(
            error("MERGE t USING (VALUES (1)) AS s (a) ON t.a > s.a WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a);")?
                .number == 40517)
    }

    @Test func alterTableAddsColumnsAndConstraintsTogether() throws {
        let statements = try sql("ALTER TABLE t ADD c INT NULL, CONSTRAINT [uq_t_c] UNIQUE (c)")
        #expect(statements == [#"ALTER TABLE t ADD COLUMN c integer NULL, ADD CONSTRAINT "uq_t_c" UNIQUE (c)"#])
    }

    @Test func alterTableDropsSeveralColumnsAndConstraints() throws {
        #expect(try sql("ALTER TABLE t DROP COLUMN a, b") == ["ALTER TABLE t DROP COLUMN a, DROP COLUMN b"])
        #expect(
            try sql("ALTER TABLE t DROP CONSTRAINT IF EXISTS [ck_a], CONSTRAINT [ck_b]")
                == [#"ALTER TABLE t DROP CONSTRAINT IF EXISTS "ck_a", DROP CONSTRAINT "ck_b""#])
    }

    @Test func alterColumnChangesTheType() throws {
        #expect(
            try sql("ALTER TABLE t ALTER COLUMN c BIGINT NOT NULL")
                == ["ALTER TABLE t ALTER COLUMN c TYPE bigint USING c::bigint, ALTER COLUMN c SET NOT NULL"])
    }

    @Test func offsetFetchPassesThrough() throws {
        #expect(
            try sql("SELECT a FROM t ORDER BY (SELECT NULL) OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY")
                == ["SELECT a FROM t ORDER BY (SELECT NULL) OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY"])
    }

    @Test func jsonValueAndQueryUseJsonPath() throws {
        let text = try #require(try sql("SELECT JSON_VALUE(doc, N'$.\"a\"') FROM t").first)
        #expect(text.contains("jsonb_path_query_first(CAST((doc) AS jsonb), CAST(('$.\"a\"') AS jsonpath))"))
        #expect(text.contains("NOT IN ('object', 'array')"))
    }
}
