import SQLKit

/// `CREATE TABLE` as T-SQL; `IF NOT EXISTS` becomes an `IF OBJECT_ID(N'name', N'U') IS NULL` guard, so a migration
/// that runs twice does not fail.
struct TSQLCreateTable: SQLExpression {
    let create: SQLCreateTable
    let guardName: String?

    init(_ original: SQLCreateTable, rewriter: TSQLRewriter) throws {
        var create = original
        if create.temporary { throw SQLServerDialect.unsupported("CREATE TEMPORARY TABLE (use a #table name)") }
        if create.asQuery != nil { throw SQLServerDialect.unsupported("CREATE TABLE … AS SELECT (SELECT … INTO)") }
        guardName = create.ifNotExists ? try rewriter.tableName(create.table) : nil
        create.ifNotExists = false
        self.create = create
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.statement {
            if let guardName {
                $0.append("IF OBJECT_ID(", SQLLiteral.string(guardName), ", N'U') IS NULL")
            }
            $0.append(create)
        }
    }
}

/// `ALTER TABLE` as T-SQL: one statement per kind of change, in an order SQL Server accepts — dropped constraints
/// first, then dropped columns (`DROP COLUMN a, b`), added columns and constraints (`ADD c type, CONSTRAINT …`),
/// and each changed column (`ALTER COLUMN c type`) on its own.
struct TSQLAlterTable: SQLExpression {
    let alter: SQLAlterTable

    init(_ alter: SQLAlterTable) throws {
        if alter.renameTo != nil { throw SQLServerDialect.unsupported("ALTER TABLE … RENAME TO (use sp_rename)") }
        self.alter = alter
    }

    func serialize(to serializer: inout SQLSerializer) {
        var statements: [SQLStatement] = []
        func statement(_ build: (inout SQLStatement) -> Void) {
            var copy = serializer
            copy.statement { statement in
                statement.append("ALTER TABLE", alter.name)
                build(&statement)
                statements.append(statement)
            }
        }
        if !alter.dropTableConstraints.isEmpty {
            statement { $0.append("DROP", SQLList(alter.dropTableConstraints)) }
        }
        if !alter.dropColumns.isEmpty {
            statement { $0.append("DROP COLUMN", SQLList(alter.dropColumns)) }
        }
        if !alter.addColumns.isEmpty || !alter.addTableConstraints.isEmpty {
            statement { $0.append("ADD", SQLList(alter.addColumns + alter.addTableConstraints)) }
        }
        for column in alter.modifyColumns {
            statement { $0.append("ALTER COLUMN", column) }
        }
        SQLList(statements, separator: SQLRaw("; ")).serialize(to: &serializer)
    }
}
