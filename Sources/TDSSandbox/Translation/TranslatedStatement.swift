/// A PostgreSQL statement produced from T-SQL, with what the engine needs to run it and type its result.
struct PostgresQuery: Sendable, Hashable {
    /// The PostgreSQL SQL, with `$n` placeholders.
    var sql: String
    /// What each `$n` stands for, in order: a variable or parameter (`@id`) or an engine-tracked value
    /// (`@@rowcount`, `@@trancount`, `@@error`).
    var parameters: [ParameterReference] = []
    /// The top-level output columns as written (names and type hints); empty when the statement returns none or
    /// the translator cannot tell.
    var columns: [OutputColumn] = []
}

/// A `$n` placeholder's meaning.
struct ParameterReference: Sendable, Hashable {
    /// The lower-cased variable name with its `@` (or `@@`).
    var name: String
    /// The declared type.
    var type: TSQLType
}

/// A top-level select-list (or OUTPUT) item.
struct OutputColumn: Sendable, Hashable {
    /// The name as the client wrote it (alias or column name); `nil` for an unnamed expression.
    var name: String?
    /// The T-SQL type when the item says it (CAST, CONVERT, a typed variable, a typed function).
    var typeHint: TSQLType?
    /// Whether the item is `*` or `t.*`.
    var isStar: Bool = false
}

/// A column of a table created through the sandbox, as the catalog records it.
struct CatalogColumn: Sendable, Hashable {
    /// The column name as the client wrote it.
    var name: String
    /// The declared T-SQL type.
    var type: TSQLType
    /// Whether it is a `rowversion` (`timestamp`) column: `binary(8)` that the server sets on every insert and
    /// update.
    var isRowVersion = false
}

/// A table created through the sandbox.
struct CatalogTable: Sendable, Hashable {
    /// The PostgreSQL schema (lower case; `dbo` is `public`).
    var schema: String
    /// The PostgreSQL table name (lower case).
    var name: String
    /// Whether it is a temporary table (`#t`).
    var isTemporary: Bool
    /// Its columns in order.
    var columns: [CatalogColumn]
}

/// The kind of a translated statement that runs on PostgreSQL, for row counts and implicit transactions.
enum QueryKind: Sendable, Hashable {
    /// SELECT (or WITH … SELECT): returns rows; DONE carries the row count.
    case select
    /// INSERT, UPDATE, DELETE, MERGE: DONE carries the affected count.
    case dml
    /// DDL: no count.
    case ddl
    /// A statement run for its effect that reports no count (e.g. `WAITFOR`).
    case silent
}

/// One T-SQL statement, translated.
struct TranslatedStatement: Sendable, Hashable {
    /// The 1-based line of the batch where the statement starts.
    var line: Int
    /// What to do.
    var action: Action

    /// What the engine does for a statement.
    enum Action: Sendable, Hashable {
        /// Run a PostgreSQL statement.
        case query(PostgresQuery, QueryKind)
        /// Run `CREATE TABLE` and record the table in the sandbox catalog.
        case createTable(PostgresQuery, CatalogTable)
        /// `BEGIN TRAN [name]`.
        case beginTransaction
        /// `COMMIT [TRAN]`.
        case commit
        /// `ROLLBACK [TRAN] [savepoint]`.
        case rollback(savepoint: String?)
        /// `SAVE TRAN name`.
        case save(String)
        /// `SET NOCOUNT ON|OFF`.
        case setNoCount(Bool)
        /// `SET IMPLICIT_TRANSACTIONS ON|OFF`.
        case setImplicitTransactions(Bool)
        /// `SET XACT_ABORT ON|OFF`.
        case setXactAbort(Bool)
        /// `SET FMTONLY ON|OFF`: while on, queries return their columns and no rows, and nothing else runs.
        case setFormatOnly(Bool)
        /// `SET TRANSACTION ISOLATION LEVEL …`: the PostgreSQL level (`READ COMMITTED`, …).
        case setIsolationLevel(String)
        /// A SET option the sandbox accepts without effect (ANSI_NULLS, TEXTSIZE, …).
        case acceptedOption
        /// `DECLARE @v type [= value]`: the variable and the query producing its initial value, if any.
        case declare(name: String, type: TSQLType, initial: PostgresQuery?)
        /// `SET @v = expr` / `SELECT @a = x, @b = y FROM …`: the variables and the query whose last row's
        /// columns are assigned to them in order.
        case assign(names: [String], query: PostgresQuery)
        /// `PRINT expr`.
        case print(PostgresQuery)
        /// `USE database`.
        case use(String)
        /// `RETURN`: stop the batch.
        case returnFromBatch
        /// `RAISERROR (message, severity, state)` or `THROW number, message, state` (which also ends the batch):
        /// the message text as a query.
        case raise(message: PostgresQuery, number: Int, severity: Int, state: Int, endsBatch: Bool)
        /// `EXEC [@rc =] procedure …`: a stored procedure call.
        case execute(ProcedureCall)
        /// `RETURN expr` in a procedure: the return status.
        case returnValue(PostgresQuery)
        /// `CREATE [OR ALTER] PROCEDURE` / `ALTER PROCEDURE`.
        case createProcedure(ProcedureDefinition)
        /// `DROP PROCEDURE [IF EXISTS] name, …`.
        case dropProcedure(names: [ProcedureName], ifExists: Bool)
        /// `INSERT BULK table (columns) [WITH (…)]`: the next bulk-load message fills the table.
        case insertBulk(BulkLoadTarget)
        /// `EXEC sp_executesql @stmt, @params, @P1 = value, …`: each argument's value as a one-column query.
        case executeSQL(arguments: [ExecuteArgument])
        /// `IF condition … [ELSE …]`: the condition as a query returning one boolean.
        case ifElse(condition: PostgresQuery, then: [TranslatedStatement], otherwise: [TranslatedStatement])
        /// `BEGIN … END`.
        case block([TranslatedStatement])
        /// `WHILE condition statement`.
        case whileLoop(condition: PostgresQuery, body: [TranslatedStatement])
        /// `BEGIN TRY … END TRY BEGIN CATCH … END CATCH`.
        case tryCatch(body: [TranslatedStatement], handler: [TranslatedStatement])
        /// `THROW;` in a CATCH block: raise the caught error again.
        case rethrow
        /// `BREAK`: leave the innermost WHILE.
        case breakLoop
        /// `CONTINUE`: next iteration of the innermost WHILE.
        case continueLoop
    }
}

/// An argument of `EXEC sp_executesql` in a batch.
struct ExecuteArgument: Sendable, Hashable {
    /// The parameter name (lower case, with `@`), or `nil` for a positional argument.
    var name: String?
    /// `SELECT value`.
    var value: PostgresQuery
    /// For `@P = @v OUTPUT`, the batch variable that receives the output value.
    var outputVariable: String?
}
