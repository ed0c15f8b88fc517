/// System procedures the sandbox defines in T-SQL, found by name before the stored procedures of the
/// database (`sp_getapplock`, `sp_releaseapplock`; `dbo.` or `sys.` or no schema). Their bodies call helpers of
/// schema `tds_sandbox` (``SandboxCatalog/installApplicationLocks(_:)``) and run through the same interpreter as
/// any stored procedure, so arguments bind by position or name with SQL Server's parameter names and defaults.
enum SystemProcedures {
    /// The defining batch of a system procedure, or `nil` when `name` is none.
    static func definitionText(_ name: ProcedureName) -> String? {
        guard name.schema == "dbo" || name.schema == "sys" else { return nil }
        return sources[name.name]
    }

    static let sources: [String: String] = [
        "sp_getapplock": """
        CREATE PROCEDURE sp_getapplock @Resource nvarchar(255), @LockMode varchar(32),
            @LockOwner varchar(32) = 'Transaction', @LockTimeout int = -1, @DbPrincipal nvarchar(128) = N'public'
        AS
        BEGIN
            DECLARE @result int
            SELECT @result = tds_sandbox.getapplock(@Resource, @LockMode, @LockOwner, @LockTimeout, @@TRANCOUNT)
            RETURN @result
        END
        """,
        "sp_releaseapplock": """
        CREATE PROCEDURE sp_releaseapplock @Resource nvarchar(255), @LockOwner varchar(32) = 'Transaction',
            @DbPrincipal nvarchar(128) = N'public'
        AS
        BEGIN
            DECLARE @result int
            SELECT @result = tds_sandbox.releaseapplock(@Resource, @LockOwner)
            RETURN @result
        END
        """,
    ]
}
