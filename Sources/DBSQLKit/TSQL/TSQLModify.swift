import SQLKit

/// `OUTPUT INSERTED.c, …` / `OUTPUT DELETED.c, …` for SQLKit's returning columns (plain columns or `*`).
struct TSQLOutput: SQLExpression {
    let prefix: String
    let columns: [any SQLExpression]

    init?(_ returning: SQLReturning?, prefix: String) throws {
        guard let returning, !returning.columns.isEmpty else { return nil }
        self.prefix = prefix
        self.columns = try returning.columns.map { column in
            switch column {
            case let column as SQLColumn: return column.name
            case let identifier as SQLIdentifier: return identifier
            case let literal as SQLLiteral:
                if case .all = literal { return SQLRaw("*") }
                throw SQLServerDialect.unsupported("a literal in RETURNING")
            case let raw as SQLRaw where raw.sql == "*": return raw
            default: throw SQLServerDialect.unsupported("RETURNING \(type(of: column)) (only columns or *)")
            }
        }
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("OUTPUT ")
        for (index, column) in columns.enumerated() {
            if index > 0 { serializer.write(", ") }
            serializer.write("\(prefix).")
            column.serialize(to: &serializer)
        }
    }
}

/// `INSERT` as T-SQL: `OUTPUT INSERTED.…` before `VALUES`; a column that is `DEFAULT` in every row is left out (SQL
/// Server refuses an explicit `DEFAULT` for an identity column), and `DEFAULT VALUES` when none is left; an upsert
/// becomes ``TSQLMerge``.
struct TSQLInsert: SQLExpression {
    let insert: SQLInsert
    let output: TSQLOutput?
    let merge: TSQLMerge?

    init(_ original: SQLInsert, rewriter: TSQLRewriter) throws {
        var insert = original
        if insert.tableExpressionGroup != nil { throw SQLServerDialect.unsupported("INSERT with a WITH clause") }
        if insert.genericConflictStrategy != nil, insert.conflictStrategy == nil {
            throw SQLServerDialect.unsupported("a custom conflict strategy")
        }
        insert.valueQuery = try insert.valueQuery.map(rewriter.expression)
        insert.values = try insert.values.map { try $0.map(rewriter.expression) }
        if !insert.values.isEmpty {
            let keep = insert.columns.indices.filter { index in
                !insert.values.allSatisfy { row in index < row.count && Self.isDefault(row[index]) }
            }
            if keep.count < insert.columns.count {
                insert.columns = keep.map { insert.columns[$0] }
                insert.values = insert.values.map { row in keep.map { row[$0] } }
            }
        }
        output = try TSQLOutput(insert.returning, prefix: "INSERTED")
        if let strategy = insert.conflictStrategy {
            merge = try TSQLMerge(insert, strategy: strategy, output: output, rewriter: rewriter)
        } else {
            merge = nil
        }
        self.insert = insert
    }

    static func isDefault(_ expression: any SQLExpression) -> Bool {
        if let literal = expression as? SQLLiteral, case .default = literal { return true }
        return false
    }

    func serialize(to serializer: inout SQLSerializer) {
        if let merge { return merge.serialize(to: &serializer) }
        serializer.statement {
            $0.append("INSERT INTO", insert.table)
            if !insert.columns.isEmpty { $0.append(SQLGroupExpression(insert.columns)) }
            $0.append(output)
            if insert.columns.isEmpty, insert.valueQuery == nil {
                $0.append("DEFAULT VALUES")
            } else if !insert.values.isEmpty {
                $0.append("VALUES", SQLList(insert.values.map(SQLGroupExpression.init)))
            } else if let query = insert.valueQuery {
                $0.append(query)
            }
        }
    }
}

/// An upsert as T-SQL `MERGE`:
/// `MERGE INTO t WITH (HOLDLOCK) USING (VALUES (…), …) AS EXCLUDED (cols) ON t.k = EXCLUDED.k …
/// WHEN MATCHED [AND predicate] THEN UPDATE SET … WHEN NOT MATCHED THEN INSERT (cols) VALUES (EXCLUDED.c, …)
/// [OUTPUT INSERTED.…];` — the source is named `EXCLUDED`, so SQLKit's `EXCLUDED.c` references work unchanged.
struct TSQLMerge: SQLExpression {
    let insert: SQLInsert
    let targets: [any SQLExpression]
    let assignments: [any SQLExpression]?
    let predicate: (any SQLExpression)?
    let output: TSQLOutput?

    init(
        _ insert: SQLInsert, strategy: SQLConflictResolutionStrategy, output: TSQLOutput?, rewriter: TSQLRewriter
    ) throws {
        guard !strategy.targetColumns.isEmpty else {
            throw SQLServerDialect.unsupported("an upsert without conflict target columns (MERGE needs them)")
        }
        guard !insert.values.isEmpty, !insert.columns.isEmpty else {
            throw SQLServerDialect.unsupported("an upsert from a subquery or without columns")
        }
        if insert.values.contains(where: { $0.contains(where: TSQLInsert.isDefault) }) {
            throw SQLServerDialect.unsupported("DEFAULT in some rows of an upsert")
        }
        self.insert = insert
        self.targets = strategy.targetColumns.map { ($0 as? SQLColumn)?.name ?? $0 }
        switch strategy.action {
        case .noAction:
            assignments = nil
            predicate = nil
        case .update(let assignments, let predicate):
            self.assignments = try assignments.map(rewriter.expression)
            self.predicate = try predicate.map(rewriter.expression)
        }
        self.output = output
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.statement {
            $0.append("MERGE INTO", insert.table)
            $0.append("WITH (HOLDLOCK) USING (VALUES", SQLList(insert.values.map(SQLGroupExpression.init)))
            $0.append(") AS \"EXCLUDED\"", SQLGroupExpression(insert.columns))
            let conditions = targets.map { target in
                SQLBinaryExpression(
                    left: SQLColumn(target, table: insert.table), op: SQLBinaryOperator.equal,
                    right: SQLColumn(target, table: SQLIdentifier("EXCLUDED")))
            }
            $0.append("ON", SQLList(conditions, separator: SQLRaw(" AND ")))
            if let assignments {
                $0.append("WHEN MATCHED")
                if let predicate { $0.append("AND", predicate) }
                $0.append("THEN UPDATE SET", SQLList(assignments))
            }
            $0.append("WHEN NOT MATCHED THEN INSERT", SQLGroupExpression(insert.columns))
            $0.append(
                "VALUES",
                SQLGroupExpression(
                    insert.columns.map { SQLColumn(($0 as? SQLColumn)?.name ?? $0, table: SQLIdentifier("EXCLUDED")) }))
            $0.append(output)
            $0.append(";")
        }
    }
}

/// `UPDATE` as T-SQL, with `OUTPUT INSERTED.…` before `WHERE`.
struct TSQLUpdate: SQLExpression {
    let update: SQLUpdate
    let output: TSQLOutput?

    init(_ original: SQLUpdate, rewriter: TSQLRewriter) throws {
        var update = original
        update.values = try update.values.map(rewriter.expression)
        update.predicate = try update.predicate.map(rewriter.expression)
        update.tableExpressionGroup = try rewriter.tableExpressions(update.tableExpressionGroup)
        output = try TSQLOutput(update.returning, prefix: "INSERTED")
        self.update = update
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.statement {
            $0.append(update.tableExpressionGroup)
            $0.append("UPDATE", update.table)
            $0.append("SET", SQLList(update.values))
            $0.append(output)
            if let predicate = update.predicate { $0.append("WHERE", predicate) }
        }
    }
}

/// `DELETE` as T-SQL, with `OUTPUT DELETED.…` before `WHERE`.
struct TSQLDelete: SQLExpression {
    let delete: SQLDelete
    let output: TSQLOutput?

    init(_ original: SQLDelete, rewriter: TSQLRewriter) throws {
        var delete = original
        delete.predicate = try delete.predicate.map(rewriter.expression)
        delete.tableExpressionGroup = try rewriter.tableExpressions(delete.tableExpressionGroup)
        output = try TSQLOutput(delete.returning, prefix: "DELETED")
        self.delete = delete
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.statement {
            $0.append(delete.tableExpressionGroup)
            $0.append("DELETE FROM", delete.table)
            $0.append(output)
            if let predicate = delete.predicate { $0.append("WHERE", predicate) }
        }
    }
}
