import DBCore

/// What client libraries ask at connect and when they introspect a database (SQLAlchemy, pyodbc, pymssql,
/// python-tds, ODBC Driver 18, SSMS-like tools): `SERVERPROPERTY`, `SCHEMA_NAME`, `DB_ID`, `DB_NAME(id)`,
/// `OBJECT_NAME`, `USER_NAME`, `SUSER_SNAME`, the catalog views `sys.objects`, `sys.tables`, `sys.schemas`,
/// `sys.types`, `sys.databases`, `sys.indexes` and `INFORMATION_SCHEMA.TABLES` / `.COLUMNS` (schema
/// `tds_information_schema`, to which the translator maps `INFORMATION_SCHEMA`), and the application locks behind
/// `sp_getapplock` / `sp_releaseapplock`. All read PostgreSQL's own catalog and the sandbox's column catalog;
/// `public` is reported as `dbo` (schema id 1), other schemas by their OID.
extension SandboxCatalog {
    /// The schemas of the sandbox and of PostgreSQL that SQL Server's views do not list.
    static let hiddenSchemasSQL =
        "('pg_catalog', 'information_schema', 'tds_sandbox', 'tds_information_schema', 'sys', 'pg_toast')"

    static func installIntrospection(_ cursor: any DatabaseCursor) throws {
        try installIntrospectionFunctions(cursor)
        try installPostgresTypeIDs(cursor)
        try installCatalogViews(cursor)
        try installInformationSchema(cursor)
        try installApplicationLocks(cursor)
        // rowversion values: microseconds since the epoch, and at least one more than the session's last value, 8
        // bytes big-endian as SQL Server's. Not a sequence: nextval would change what SCOPE_IDENTITY() (lastval())
        // returns after an INSERT into a table with both an identity and a rowversion column.
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.next_rowversion() RETURNS bytea LANGUAGE plpgsql VOLATILE AS $$
            DECLARE
                value bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
                last bigint := coalesce(nullif(current_setting('tds_sandbox.last_rowversion', true), '')::bigint, 0);
            BEGIN
                IF value <= last THEN value := last + 1; END IF;
                PERFORM set_config('tds_sandbox.last_rowversion', value::text, false);
                RETURN int8send(value);
            END $$
            """)
    }

    private static func installIntrospectionFunctions(_ cursor: any DatabaseCursor) throws {
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.serverproperty(property text) RETURNS text
            LANGUAGE sql STABLE AS $$
                SELECT CASE lower(property)
                    WHEN 'productversion' THEN '16.0.1000.6'
                    WHEN 'productmajorversion' THEN '16'
                    WHEN 'productminorversion' THEN '0'
                    WHEN 'productbuild' THEN '1000'
                    WHEN 'productlevel' THEN 'RTM'
                    WHEN 'edition' THEN 'Developer Edition (64-bit)'
                    WHEN 'editionid' THEN '-2117995310'
                    WHEN 'engineedition' THEN '3'
                    WHEN 'servername' THEN 'tds-sandbox'
                    WHEN 'machinename' THEN 'tds-sandbox'
                    WHEN 'collation' THEN 'SQL_Latin1_General_CP1_CI_AS'
                    WHEN 'collationid' THEN '872468488'
                    WHEN 'lcid' THEN '1033'
                    WHEN 'sqlcharset' THEN '1'
                    WHEN 'sqlcharsetname' THEN 'iso_1'
                    WHEN 'sqlsortorder' THEN '52'
                    WHEN 'sqlsortordername' THEN 'nocase_iso'
                    WHEN 'processid' THEN pg_backend_pid()::text
                    WHEN 'isclustered' THEN '0'
                    WHEN 'isfulltextinstalled' THEN '0'
                    WHEN 'isintegratedsecurityonly' THEN '0'
                    WHEN 'issingleuser' THEN '0'
                    WHEN 'ishadrenabled' THEN '0'
                    WHEN 'isxtpsupported' THEN '0'
                    WHEN 'ispolybaseinstalled' THEN '0'
                    WHEN 'isadvancedanalyticsinstalled' THEN '0'
                    WHEN 'filestreamconfiguredlevel' THEN '0'
                    WHEN 'filestreameffectivelevel' THEN '0'
                    ELSE NULL END
            $$
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.schema_id_of(schema_name text) RETURNS integer
            LANGUAGE sql STABLE AS $$
                SELECT CASE WHEN lower(schema_name) IN ('dbo', 'public') THEN 1
                    ELSE (SELECT oid::integer FROM pg_namespace WHERE nspname = lower(schema_name)) END
            $$
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.schema_name_of(schema_id integer) RETURNS varchar(128)
            LANGUAGE sql STABLE AS $$
                SELECT CASE WHEN schema_id = 1 THEN 'dbo'::varchar(128)
                    ELSE (SELECT nspname::varchar(128) FROM pg_namespace
                        WHERE oid = schema_id::oid AND nspname <> 'public') END
            $$
            """)
        // master and tempdb are aliases of the login's PostgreSQL database (ids 1 and 2, as in SQL Server).
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.db_id_of(database_name text) RETURNS integer
            LANGUAGE sql STABLE AS $$
                SELECT CASE lower(database_name) WHEN 'master' THEN 1 WHEN 'tempdb' THEN 2
                    ELSE (SELECT oid::integer FROM pg_database WHERE datname = database_name
                        OR datname = lower(database_name) ORDER BY datname = database_name DESC LIMIT 1) END
            $$
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.db_name_of(database_id integer) RETURNS varchar(128)
            LANGUAGE sql STABLE AS $$
                SELECT CASE database_id WHEN 1 THEN 'master'::varchar(128) WHEN 2 THEN 'tempdb'::varchar(128)
                    ELSE (SELECT datname::varchar(128) FROM pg_database
                        WHERE oid = database_id::oid AND NOT datistemplate) END
            $$
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.object_name_of(object_id integer) RETURNS varchar(128)
            LANGUAGE sql STABLE AS $$
                SELECT coalesce(
                    (SELECT relname::varchar(128) FROM pg_class WHERE oid = object_id::oid),
                    (SELECT conname::varchar(128) FROM pg_constraint WHERE oid = object_id::oid))
            $$
            """)
        // The login that owns the database, or a superuser, is the database's dbo, as SQL Server shows it.
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.user_name_of(user_id integer) RETURNS varchar(128)
            LANGUAGE sql STABLE AS $$
                SELECT CASE
                    WHEN user_id IS NULL AND (
                        (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                        OR (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
                            = current_user)
                        THEN 'dbo'::varchar(128)
                    WHEN user_id IS NULL THEN current_user::varchar(128)
                    WHEN user_id = 1 THEN 'dbo'::varchar(128)
                    ELSE (SELECT rolname::varchar(128) FROM pg_roles WHERE oid = user_id::oid) END
            $$
            """)
    }
}
