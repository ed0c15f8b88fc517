import DBCore
import SQLLexing

/// Stored procedures persist in the sandbox's own schema: `tds_sandbox.procedures` keeps, per procedure, its schema
/// and name (lower case), the name as written, the parameter list (for people reading the catalog) and the whole
/// batch text that defined it, which the engine parses again for each call. Definitions therefore survive a
/// sandbox restart and are shared by every session on the database.
enum ProcedureCatalog {
    /// Creates the table (called by ``SandboxCatalog/ensureInstalled(on:)`` under its advisory lock).
    static func install(_ cursor: any DatabaseCursor) throws {
        try cursor.execute(
            """
            CREATE TABLE IF NOT EXISTS tds_sandbox.procedures (
                schema_name text NOT NULL, name text NOT NULL, display_name text NOT NULL,
                parameters text NOT NULL, definition text NOT NULL,
                modified timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (schema_name, name))
            """)
    }

    /// Whether a procedure exists.
    static func exists(_ name: ProcedureName, on connection: any DatabaseConnection) throws -> Bool {
        try definitionText(name, on: connection) != nil
    }

    /// The batch text that defined a procedure, or `nil` when there is none.
    static func definitionText(_ name: ProcedureName, on connection: any DatabaseConnection) throws -> String? {
        if let system = SystemProcedures.definitionText(name) { return system }
        let cursor = try connection.cursor()
        defer { cursor.close() }
        try cursor.execute(
            BoundStatement(
                sql: "SELECT definition FROM tds_sandbox.procedures WHERE schema_name = $1 AND name = $2",
                parameters: [.string(name.schema), .string(name.name)]))
        guard case .string(let text)? = try cursor.fetchOne()?.values.first else { return nil }
        return text
    }

    /// Loads and parses a procedure; `nil` when there is none.
    static func load(_ name: ProcedureName, on connection: any DatabaseConnection) throws -> ProcedureDefinition? {
        guard let text = try definitionText(name, on: connection) else { return nil }
        let tokens = try TSQLTokenizer.tokenize(text)
        return try ProcedureDefinition.parse(tokens, source: text)
    }

    /// Stores a definition (inserting or replacing); the text is bound, never spliced.
    static func store(_ definition: ProcedureDefinition, on connection: any DatabaseConnection) throws {
        let cursor = try connection.cursor()
        defer { cursor.close() }
        try cursor.execute(
            BoundStatement(
                sql: """
                    INSERT INTO tds_sandbox.procedures (schema_name, name, display_name, parameters, definition)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (schema_name, name) DO UPDATE SET display_name = EXCLUDED.display_name,
                        parameters = EXCLUDED.parameters, definition = EXCLUDED.definition, modified = now()
                    """,
                parameters: [
                    .string(definition.name.schema), .string(definition.name.name), .string(definition.name.spelling),
                    .string(definition.parameterList), .string(definition.source),
                ]))
    }

    /// Deletes a procedure; returns whether it existed.
    static func drop(_ name: ProcedureName, on connection: any DatabaseConnection) throws -> Bool {
        let cursor = try connection.cursor()
        defer { cursor.close() }
        try cursor.execute(
            BoundStatement(
                sql: "DELETE FROM tds_sandbox.procedures WHERE schema_name = $1 AND name = $2",
                parameters: [.string(name.schema), .string(name.name)]))
        return cursor.rowCount > 0
    }

    /// Whether the schema a procedure is created in exists (`dbo` always does).
    static func schemaExists(_ schema: String, on connection: any DatabaseConnection) throws -> Bool {
        if schema == "dbo" { return true }
        let cursor = try connection.cursor()
        defer { cursor.close() }
        try cursor.execute(
            BoundStatement(sql: "SELECT 1 FROM pg_namespace WHERE nspname = $1", parameters: [.string(schema)]))
        return try cursor.fetchOne() != nil
    }
}
