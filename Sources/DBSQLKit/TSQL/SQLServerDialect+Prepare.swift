import DBCore
import SQLKit

extension SQLServerDialect {
    /// Rewrites one SQLKit statement into expressions that serialize as T-SQL, or refuses it.
    ///
    /// Handles `SELECT` (limit/offset, locking clauses, nested subqueries), unions, `INSERT` (returning, upsert,
    /// all-`DEFAULT` columns), `UPDATE` and `DELETE` (returning), `CREATE TABLE [IF NOT EXISTS]`, `ALTER TABLE`,
    /// `DROP TABLE`, `CREATE INDEX`, `DROP INDEX`. Raw SQL (`SQLRaw`, `SQLQueryString`) is the caller's own T-SQL and
    /// passes unchanged.
    ///
    /// - Throws: ``DBCore/DatabaseError/Kind/unsupported`` naming the construct T-SQL cannot express (enum types,
    ///   triggers, `DROP … CASCADE`, `RENAME TO`, an upsert without conflict columns, …).
    public static func prepare(_ statement: any SQLExpression) throws -> any SQLExpression {
        try TSQLRewriter().statement(statement)
    }

    /// The error for a construct that cannot be written in T-SQL.
    static func unsupported(_ construct: String) -> DatabaseError {
        DatabaseError(kind: .unsupported, message: "SQL Server dialect: \(construct) cannot be written in T-SQL")
    }
}

/// Walks SQLKit's expression tree and replaces the statement kinds whose serialization is not T-SQL.
struct TSQLRewriter {
    /// A top-level statement.
    func statement(_ expression: any SQLExpression) throws -> any SQLExpression {
        switch expression {
        case let insert as SQLInsert: return try TSQLInsert(insert, rewriter: self)
        case let update as SQLUpdate: return try TSQLUpdate(update, rewriter: self)
        case let delete as SQLDelete: return try TSQLDelete(delete, rewriter: self)
        case let create as SQLCreateTable: return try TSQLCreateTable(create, rewriter: self)
        case let alter as SQLAlterTable: return try TSQLAlterTable(alter)
        case let drop as SQLDropTable:
            if let behavior = drop.behavior as? SQLDropBehavior, case .cascade = behavior {
                throw SQLServerDialect.unsupported("DROP TABLE … CASCADE")
            }
            if drop.temporary { throw SQLServerDialect.unsupported("DROP TEMPORARY TABLE") }
            return drop
        case let drop as SQLDropIndex:
            guard drop.owningObject != nil else {
                throw SQLServerDialect.unsupported("DROP INDEX without the table it belongs to (use .on(table))")
            }
            return drop
        case is SQLCreateEnum, is SQLAlterEnum, is SQLDropEnum:
            throw SQLServerDialect.unsupported("an enum type (CREATE/ALTER/DROP TYPE … AS ENUM)")
        case is SQLCreateTrigger, is SQLDropTrigger:
            throw SQLServerDialect.unsupported("a trigger statement built with SQLKit")
        default:
            return try self.expression(expression)
        }
    }

    /// A `WITH` clause with each common table expression rewritten.
    func tableExpressions(_ group: SQLCommonTableExpressionGroup?) throws -> SQLCommonTableExpressionGroup? {
        guard var group else { return nil }
        group.tableExpressions = try group.tableExpressions.map(expression)
        return group
    }

    /// A nested expression: selects and unions anywhere inside become their T-SQL forms.
    func expression(_ expression: any SQLExpression) throws -> any SQLExpression {
        switch expression {
        case let select as SQLSelect: return try TSQLSelect(select, rewriter: self)
        case let union as SQLUnion: return try TSQLUnion(union, rewriter: self)
        case let subquery as SQLSubquery: return SQLGroupExpression(try TSQLSelect(subquery.subquery, rewriter: self))
        case let subquery as SQLUnionSubquery:
            return SQLGroupExpression(try TSQLUnion(subquery.subquery, rewriter: self))
        case let group as SQLGroupExpression: return SQLGroupExpression(try group.expressions.map(self.expression))
        case var list as SQLList:
            list.expressions = try list.expressions.map(self.expression)
            return list
        case let binary as SQLBinaryExpression:
            return SQLBinaryExpression(
                left: try self.expression(binary.left), op: binary.op, right: try self.expression(binary.right))
        case var alias as SQLAlias:
            alias.expression = try self.expression(alias.expression)
            return alias
        case let function as SQLFunction:
            return SQLFunction(function.name, args: try function.args.map(self.expression))
        case var join as SQLJoin:
            join.table = try self.expression(join.table)
            join.expression = try self.expression(join.expression)
            return join
        case var cte as SQLCommonTableExpression:
            cte.query = try self.expression(cte.query)
            return cte
        case var group as SQLCommonTableExpressionGroup:
            group.tableExpressions = try group.tableExpressions.map(self.expression)
            return group
        default:
            return expression
        }
    }

    /// The plain name of a table expression, for `OBJECT_ID(N'…')` (`schema.table` when qualified).
    func tableName(_ expression: any SQLExpression) throws -> String {
        switch expression {
        case let identifier as SQLIdentifier: return identifier.string
        case let raw as SQLRaw: return raw.sql
        case let qualified as SQLQualifiedTable:
            let table = try tableName(qualified.table)
            guard let space = qualified.space else { return table }
            return try tableName(space) + "." + table
        default:
            throw SQLServerDialect.unsupported("a table named by \(type(of: expression)) in a guarded statement")
        }
    }
}
