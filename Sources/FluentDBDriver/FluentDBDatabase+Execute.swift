import DBSQLKit
import FluentKit
import FluentSQL
import NIOCore
import SQLKit
import Synchronization

extension FluentDBDatabase {
    /// The converter delegate for this database's family.
    var delegate: any SQLConverterDelegate {
        isSQLServer ? SQLServerConverterDelegate() as any SQLConverterDelegate : PostgreSQLConverterDelegate()
    }

    /// Runs a Fluent query: FluentSQL converts it; a create asks for the new row's ID back (`RETURNING` on
    /// PostgreSQL, `OUTPUT INSERTED` on SQL Server).
    func execute(
        query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void
    ) -> EventLoopFuture<Void> {
        var expression = SQLQueryConverter(delegate: delegate).convert(query)
        if case .create = query.action, query.customIDKey != .some(.string("")), var insert = expression as? SQLInsert {
            insert.returning = SQLReturning(SQLColumn((query.customIDKey ?? .id).description))
            expression = insert
        }
        // Fluent wants its rows on the event loop; they arrive on the connection's thread, so they are collected
        // and handed over once the statement is done.
        let rows = RowCollector()
        return sql.execute(sql: expression) { rows.append($0) }.map {
            for row in rows.take() { onOutput(SQLRowOutput(row: row, schema: nil)) }
        }
    }

    /// Runs a schema change through FluentSQL's schema converter.
    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        let expression = SQLSchemaConverter(delegate: delegate).convert(schema)
        let logger = self.logger
        return sql.execute(sql: expression) { _ in logger.debug("Unexpected row returned from a schema query") }
    }

    /// PostgreSQL: `CREATE TYPE … AS ENUM` and friends. SQL Server has no enum types: enum fields are string
    /// columns with a CHECK constraint (``SQLServerConverterDelegate``), so there is nothing to run.
    func execute(enum databaseEnum: DatabaseEnum) -> EventLoopFuture<Void> {
        guard !isSQLServer else { return eventLoop.makeSucceededVoidFuture() }
        switch databaseEnum.action {
        case .create:
            return databaseEnum.createCases.reduce(self.create(enum: databaseEnum.name)) { $0.value($1) }.run()
        case .update:
            guard !databaseEnum.createCases.isEmpty else { return eventLoop.makeSucceededVoidFuture() }
            return EventLoopFuture.andAllSucceed(
                databaseEnum.createCases.map { self.alter(enum: databaseEnum.name).add(value: $0).run() }, on: eventLoop
            )
        case .delete:
            return self.drop(enum: databaseEnum.name).run()
        }
    }
}

/// An SQLKit row as Fluent's `DatabaseOutput`; a schema prefix (`schema_field`) is applied for joined models.
struct SQLRowOutput: DatabaseOutput {
    let row: any SQLRow
    let schema: String?

    var description: String { "row with columns \(row.allColumns)" }

    private func column(_ key: FieldKey) -> String {
        (schema.map { FieldKey.prefix(.prefix(.string($0), "_"), key) } ?? key).description
    }

    func schema(_ schema: String) -> any DatabaseOutput { SQLRowOutput(row: row, schema: schema) }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: column(key)) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: column(key)) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        try row.decode(column: column(key), as: T.self)
    }
}

/// The rows of one statement, collected on the connection's thread and taken on the event loop.
final class RowCollector: Sendable {
    private let rows = Mutex<[any SQLRow]>([])

    func append(_ row: any SQLRow) { rows.withLock { $0.append(row) } }
    func take() -> [any SQLRow] {
        rows.withLock { rows in
            defer { rows = [] }
            return rows
        }
    }
}
