import DBCore

/// `INFORMATION_SCHEMA.TABLES` and `.COLUMNS` as SQL Server fills them (column names in lower case, as the
/// translator folds unquoted identifiers; results report them as the client wrote them) (schema `dbo` for
/// PostgreSQL's `public`,
/// T-SQL type names, -1 as the length of `(max)` types), in the schema `tds_information_schema`: PostgreSQL has an
/// `information_schema` of its own, so the translator maps T-SQL's `INFORMATION_SCHEMA.` there.
extension SandboxCatalog {
    /// The PostgreSQL schema that holds T-SQL's `INFORMATION_SCHEMA` views.
    static let informationSchema = "tds_information_schema"

    static func installInformationSchema(_ cursor: any DatabaseCursor) throws {
        let hidden = hiddenSchemasSQL
        try cursor.execute("CREATE SCHEMA IF NOT EXISTS \(informationSchema)")
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW \(informationSchema).tables AS
            SELECT current_database()::varchar(128) AS table_catalog,
                (CASE WHEN n.nspname = 'public' THEN 'dbo' ELSE n.nspname END)::varchar(128) AS table_schema,
                c.relname::varchar(128) AS table_name,
                (CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'BASE TABLE' END)::varchar(10) AS table_type
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN \(hidden) AND n.nspname NOT LIKE 'pg\\_temp\\_%'
            """)
        // Types come from the sandbox catalog (tables made through the sandbox), else from PostgreSQL's type.
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW \(informationSchema).columns AS
            SELECT current_database()::varchar(128) AS table_catalog,
                (CASE WHEN n.nspname = 'public' THEN 'dbo' ELSE n.nspname END)::varchar(128) AS table_schema,
                r.relname::varchar(128) AS table_name, sc.name AS column_name,
                sc.column_id AS ordinal_position,
                pg_get_expr(d.adbin, d.adrelid)::varchar(4000) AS column_default,
                (CASE WHEN sc.is_nullable THEN 'YES' ELSE 'NO' END)::varchar(3) AS is_nullable,
                t.name::varchar(128) AS data_type,
                (CASE WHEN t.name IN ('char', 'varchar', 'binary', 'varbinary')
                        THEN CASE WHEN sc.max_length = -1 THEN -1 ELSE sc.max_length END
                    WHEN t.name IN ('nchar', 'nvarchar')
                        THEN CASE WHEN sc.max_length = -1 THEN -1 ELSE sc.max_length / 2 END
                    WHEN t.name IN ('text', 'ntext', 'image') THEN 2147483647 END)::integer
                    AS character_maximum_length,
                (CASE WHEN t.name IN ('char', 'varchar', 'binary', 'varbinary', 'nchar', 'nvarchar')
                    THEN sc.max_length WHEN t.name IN ('text', 'ntext', 'image') THEN 2147483647 END)::integer
                    AS character_octet_length,
                (CASE WHEN t.name IN ('decimal', 'numeric') THEN sc.precision
                    WHEN t.name IN ('tinyint', 'smallint', 'int', 'bigint', 'real', 'float', 'money', 'smallmoney')
                        THEN t.precision END)::smallint AS numeric_precision,
                (CASE WHEN t.name IN ('decimal', 'numeric', 'tinyint', 'smallint', 'int', 'bigint', 'money',
                    'smallmoney') THEN 10 WHEN t.name IN ('real', 'float') THEN 2 END)::smallint
                    AS numeric_precision_radix,
                (CASE WHEN t.name IN ('decimal', 'numeric') THEN sc.scale
                    WHEN t.name IN ('tinyint', 'smallint', 'int', 'bigint', 'money', 'smallmoney') THEN t.scale END
                    )::integer AS numeric_scale,
                (CASE WHEN t.name IN ('datetime', 'smalldatetime', 'date', 'time', 'datetime2', 'datetimeoffset')
                    THEN CASE t.name WHEN 'datetime' THEN 3 WHEN 'smalldatetime' THEN 0 WHEN 'date' THEN 0
                        ELSE coalesce(nullif(substring(c.tsql_type FROM '\\((\\d+)\\)'), '')::integer, 7) END
                    END)::smallint AS datetime_precision,
                (CASE WHEN t.name IN ('char', 'varchar', 'text') THEN 'iso_1'
                    WHEN t.name IN ('nchar', 'nvarchar', 'ntext') THEN 'UNICODE' END)::varchar(128)
                    AS character_set_name,
                t.collation_name AS collation_name
            FROM sys.columns sc
            JOIN pg_class r ON r.oid = sc.object_id::oid JOIN pg_namespace n ON n.oid = r.relnamespace
            LEFT JOIN tds_sandbox.columns c ON c.table_oid = r.oid AND c.attnum = sc.column_id
            LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = sc.column_id
            LEFT JOIN sys.types t ON t.user_type_id = coalesce(sc.system_type_id, tds_sandbox.pg_type_id(
                (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum = sc.column_id)))
            WHERE n.nspname NOT IN \(hidden) AND n.nspname NOT LIKE 'pg\\_temp\\_%'
            """)
    }

    /// `tds_sandbox.pg_type_id(oid)`: the SQL Server type id of a PostgreSQL type, for columns not made through
    /// the sandbox (the result typing's own mapping: int4 → int, text → nvarchar, …).
    static func installPostgresTypeIDs(_ cursor: any DatabaseCursor) throws {
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.pg_type_id(type_oid oid) RETURNS integer
            LANGUAGE sql STABLE AS $$
                SELECT CASE type_oid
                    WHEN 'int2'::regtype THEN 52 WHEN 'int4'::regtype THEN 56 WHEN 'int8'::regtype THEN 127
                    WHEN 'bool'::regtype THEN 104 WHEN 'numeric'::regtype THEN 106 WHEN 'float4'::regtype THEN 59
                    WHEN 'float8'::regtype THEN 62 WHEN 'text'::regtype THEN 231 WHEN 'varchar'::regtype THEN 231
                    WHEN 'bpchar'::regtype THEN 239 WHEN 'bytea'::regtype THEN 165 WHEN 'date'::regtype THEN 40
                    WHEN 'time'::regtype THEN 41 WHEN 'timestamp'::regtype THEN 42
                    WHEN 'timestamptz'::regtype THEN 43 WHEN 'uuid'::regtype THEN 36
                    ELSE 231 END
            $$
            """)
    }
}
