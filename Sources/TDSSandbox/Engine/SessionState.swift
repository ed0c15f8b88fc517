import DBCore

/// The T-SQL session state an engine keeps between requests.
struct SessionState {
    /// The current database.
    var database: String
    /// `SET NOCOUNT`.
    var noCount = false
    /// `SET IMPLICIT_TRANSACTIONS`.
    var implicitTransactions = false
    /// `SET XACT_ABORT`.
    var xactAbort = false
    /// `SET FMTONLY`.
    var formatOnly = false
    /// `@@TRANCOUNT`.
    var tranCount = 0
    /// The descriptor of the open transaction (0 when none).
    var transactionDescriptor: UInt64 = 0
    /// The last descriptor handed out.
    var lastDescriptor: UInt64 = 0
    /// The savepoints of the open transaction (lower-cased names), oldest first.
    var savepoints: [String] = []
    /// `@@ROWCOUNT`: the previous statement's count.
    var rowCount = 0
    /// `@@ERROR`: the previous statement's error number, or 0.
    var lastError = 0
    /// Whether the running request is an RPC (statements end with DONEINPROC).
    var inProcedure = false
    /// How many TRY blocks enclose the running statement: errors then go to the CATCH block, not the client.
    var tryDepth = 0
    /// Whether the open transaction can only be rolled back (an error under XACT_ABORT inside TRY).
    var transactionDoomed = false
    /// Prepared statements (`sp_prepare`) by handle.
    var prepared: [Int32: PreparedStatement] = [:]
    /// The last handle handed out.
    var lastHandle: Int32 = 0
    /// The sandbox catalog as this session last read it.
    var catalog = CatalogCache()
    /// Recorded columns by table (`to_regclass` text) for the translator; cleared when this session runs DDL.
    var tableColumns: [String: [CatalogColumn]?] = [:]
    /// How many stored procedure calls are running, nested (SQL Server stops at 32).
    var procedureDepth = 0
    /// The table announced by `INSERT BULK`, which the next bulk-load message fills.
    var pendingBulkLoad: BulkLoadTarget?
    /// The bulk load whose data is arriving.
    var activeBulkLoad: ActiveBulkLoad?

    init(database: String) {
        self.database = database
    }
}

/// A statement prepared with `sp_prepare`.
struct PreparedStatement: Sendable {
    /// The declared parameters.
    var declarations: [TSQLParameterDeclaration]
    /// The statement text.
    var sql: String
}

/// Variable values during one request.
struct ExecutionContext {
    /// Values by lower-cased name with `@`.
    var values: [String: SQLValue] = [:]
    /// Types by lower-cased name with `@`.
    var types: [String: TSQLType] = [:]
    /// Whether the request is an RPC (DONEINPROC).
    var inProcedure: Bool
    /// The error the innermost running CATCH block handles (ERROR_NUMBER() and friends).
    var caught: SQLServerMessage?
}
