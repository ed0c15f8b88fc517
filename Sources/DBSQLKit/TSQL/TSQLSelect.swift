import SQLKit

/// A `SELECT` written as T-SQL: `TOP (n)` for a limit without offset; `ORDER BY … OFFSET m ROWS FETCH NEXT n ROWS
/// ONLY` for an offset (ordering by `(SELECT NULL)`, or by the first column under `DISTINCT`, when the query has no
/// order); locking clauses as table hints (`WITH (UPDLOCK, ROWLOCK)`, `WITH (HOLDLOCK, ROWLOCK)`).
struct TSQLSelect: SQLExpression {
    var select: SQLSelect
    var hint: String?

    init(_ original: SQLSelect, rewriter: TSQLRewriter) throws {
        var select = original
        select.tableExpressionGroup = try rewriter.tableExpressions(select.tableExpressionGroup)
        select.columns = try select.columns.map(rewriter.expression)
        select.tables = try select.tables.map(rewriter.expression)
        select.joins = try select.joins.map(rewriter.expression)
        select.predicate = try select.predicate.map(rewriter.expression)
        select.having = try select.having.map(rewriter.expression)
        select.orderBy = try select.orderBy.map(rewriter.expression)
        if let lock = select.lockingClause {
            guard let clause = lock as? SQLLockingClause else {
                throw SQLServerDialect.unsupported("a custom locking clause")
            }
            guard select.joins.isEmpty, select.tables.count == 1 else {
                throw SQLServerDialect.unsupported("a locking clause on a query with joins or several tables")
            }
            switch clause {
            case .update: hint = "WITH (UPDLOCK, ROWLOCK)"
            case .share: hint = "WITH (HOLDLOCK, ROWLOCK)"
            }
            select.lockingClause = nil
        }
        self.select = select
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.statement {
            $0.append(select.tableExpressionGroup)
            $0.append("SELECT")
            if select.isDistinct { $0.append("DISTINCT") }
            if let limit = select.limit, select.offset == nil { $0.append("TOP (\(limit))") }
            if !select.columns.isEmpty { $0.append(SQLList(select.columns)) }
            if !select.tables.isEmpty {
                $0.append("FROM", SQLList(select.tables))
                if let hint { $0.append(hint) }
            }
            if !select.joins.isEmpty { $0.append(SQLList(select.joins, separator: SQLRaw(" "))) }
            if let predicate = select.predicate { $0.append("WHERE", predicate) }
            if !select.groupBy.isEmpty { $0.append("GROUP BY", SQLList(select.groupBy)) }
            if let having = select.having { $0.append("HAVING", having) }
            if let offset = select.offset {
                $0.append(
                    "ORDER BY",
                    select.orderBy.isEmpty
                        ? SQLRaw(select.isDistinct ? "1" : "(SELECT NULL)") as any SQLExpression
                        : SQLList(select.orderBy))
                $0.append("OFFSET \(offset) ROWS")
                if let limit = select.limit { $0.append("FETCH NEXT \(limit) ROWS ONLY") }
            } else if !select.orderBy.isEmpty {
                $0.append("ORDER BY", SQLList(select.orderBy))
            }
        }
    }
}

/// A `UNION` / `INTERSECT` / `EXCEPT` written as T-SQL: members parenthesised only where they have their own
/// `TOP`/`OFFSET`, and a limit or offset of the whole
/// as `ORDER BY … OFFSET m ROWS FETCH NEXT n ROWS ONLY`.
struct TSQLUnion: SQLExpression {
    var tableExpressionGroup: SQLCommonTableExpressionGroup?
    var members: [(joiner: SQLUnionJoiner?, query: TSQLSelect)]
    var orderBys: [any SQLExpression]
    var limit: Int?
    var offset: Int?

    init(_ union: SQLUnion, rewriter: TSQLRewriter) throws {
        tableExpressionGroup = union.tableExpressionGroup
        members = [(nil, try TSQLSelect(union.initialQuery, rewriter: rewriter))]
        for (joiner, query) in union.unions {
            switch joiner.type {
            case .intersectAll: throw SQLServerDialect.unsupported("INTERSECT ALL")
            case .exceptAll: throw SQLServerDialect.unsupported("EXCEPT ALL")
            default: break
            }
            members.append((joiner, try TSQLSelect(query, rewriter: rewriter)))
        }
        orderBys = try union.orderBys.map(rewriter.expression)
        limit = union.limit
        offset = union.offset
    }

    func serialize(to serializer: inout SQLSerializer) {
        serializer.statement {
            $0.append(tableExpressionGroup)
            if members.count == 1, limit == nil, offset == nil, orderBys.isEmpty {
                return $0.append(members[0].query)
            }
            for member in members {
                $0.append(member.joiner)
                // Only a member with its own TOP/OFFSET needs parentheses; a member's order without them has no
                // effect on the union (and T-SQL refuses it there), so it is left out.
                var query = member.query
                if query.select.limit == nil, query.select.offset == nil {
                    query.select.orderBy = []
                    $0.append(query)
                } else {
                    $0.append(SQLGroupExpression(query))
                }
            }
            if limit != nil || offset != nil {
                $0.append("ORDER BY", orderBys.isEmpty ? SQLRaw("1") as any SQLExpression : SQLList(orderBys))
                $0.append("OFFSET \(offset ?? 0) ROWS")
                if let limit { $0.append("FETCH NEXT \(limit) ROWS ONLY") }
            } else if !orderBys.isEmpty {
                $0.append("ORDER BY", SQLList(orderBys))
            }
        }
    }
}
