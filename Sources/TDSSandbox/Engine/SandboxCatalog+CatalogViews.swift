import DBCore

/// SQL Server's catalog views over PostgreSQL's catalog, with the columns clients read most (SQLAlchemy's and
/// pyodbc's reflection, `IF EXISTS (SELECT … FROM sys.tables …)` idioms, migration tools).
extension SandboxCatalog {
    static func installCatalogViews(_ cursor: any DatabaseCursor) throws {
        let hidden = hiddenSchemasSQL
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.schemas AS
            SELECT (CASE WHEN n.nspname = 'public' THEN 'dbo' ELSE n.nspname END)::varchar(128) AS name,
                (CASE WHEN n.nspname = 'public' THEN 1 ELSE n.oid::integer END) AS schema_id, 1 AS principal_id
            FROM pg_namespace n
            WHERE n.nspname NOT IN \(hidden) AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast%'
            UNION ALL SELECT 'sys'::varchar(128), 4, 4
            UNION ALL SELECT 'INFORMATION_SCHEMA'::varchar(128), 3, 3
            """)
        // Tables (U), views (V) and the constraints SQL Server lists as objects (PK, UQ, F, C).
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.objects AS
            SELECT c.relname::varchar(128) AS name, c.oid::integer AS object_id, NULL::integer AS principal_id,
                tds_sandbox.schema_id_of(n.nspname) AS schema_id, 0 AS parent_object_id,
                (CASE c.relkind WHEN 'v' THEN 'V ' ELSE 'U ' END)::char(2) AS type,
                (CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'USER_TABLE' END)::varchar(60) AS type_desc,
                LOCALTIMESTAMP(3) AS create_date, LOCALTIMESTAMP(3) AS modify_date,
                false AS is_ms_shipped, false AS is_published, false AS is_schema_published
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN \(hidden) AND n.nspname NOT LIKE 'pg\\_temp\\_%'
            UNION ALL
            SELECT k.conname::varchar(128), k.oid::integer, NULL::integer, tds_sandbox.schema_id_of(n.nspname),
                k.conrelid::integer,
                (CASE k.contype WHEN 'p' THEN 'PK' WHEN 'u' THEN 'UQ' WHEN 'f' THEN 'F ' ELSE 'C ' END)::char(2),
                (CASE k.contype WHEN 'p' THEN 'PRIMARY_KEY_CONSTRAINT' WHEN 'u' THEN 'UNIQUE_CONSTRAINT'
                    WHEN 'f' THEN 'FOREIGN_KEY_CONSTRAINT' ELSE 'CHECK_CONSTRAINT' END)::varchar(60),
                LOCALTIMESTAMP(3), LOCALTIMESTAMP(3), false, false, false
            FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
            WHERE k.contype IN ('p', 'u', 'f', 'c') AND k.conrelid <> 0 AND n.nspname NOT IN \(hidden)
                AND n.nspname NOT LIKE 'pg\\_temp\\_%'
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.tables AS
            SELECT name, object_id, principal_id, schema_id, parent_object_id, type, type_desc, create_date,
                modify_date, is_ms_shipped, is_published, is_schema_published, 0 AS temporal_type,
                false AS is_memory_optimized, false AS is_external
            FROM sys.objects WHERE type = 'U '
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.views AS
            SELECT name, object_id, principal_id, schema_id, parent_object_id, type, type_desc, create_date,
                modify_date, is_ms_shipped, is_published, is_schema_published
            FROM sys.objects WHERE type = 'V '
            """)
        let types = systemTypeIDs.map { type -> String in
            let (length, precision, scale) = typeShape(type.name)
            return "(\(TSQLRewriter.literal(type.name)), \(type.id), \(length), \(precision), \(scale))"
        }.joined(separator: ", ")
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.types AS
            SELECT t.name::varchar(128) AS name, t.id::smallint AS system_type_id,
                (CASE WHEN t.name = 'sysname' THEN 256 ELSE t.id END) AS user_type_id,
                4 AS schema_id, NULL::integer AS principal_id, t.max_length::smallint AS max_length,
                t.precision::smallint AS precision, t.scale::smallint AS scale,
                (CASE WHEN t.name IN ('char', 'varchar', 'text', 'nchar', 'nvarchar', 'ntext')
                    THEN 'SQL_Latin1_General_CP1_CI_AS' END)::varchar(128) AS collation_name,
                true AS is_nullable, false AS is_user_defined, false AS is_assembly_type, 0 AS default_object_id,
                0 AS rule_object_id, false AS is_table_type
            FROM (VALUES \(types), ('sysname', 231, 256, 0, 0)) AS t(name, id, max_length, precision, scale)
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.databases AS
            SELECT d.name::varchar(128) AS name, d.id AS database_id, NULL::integer AS source_database_id,
                LOCALTIMESTAMP(3) AS create_date, 160::smallint AS compatibility_level,
                'SQL_Latin1_General_CP1_CI_AS'::varchar(128) AS collation_name, 0::smallint AS user_access,
                'MULTI_USER'::varchar(60) AS user_access_desc, false AS is_read_only, 0::smallint AS state,
                'ONLINE'::varchar(60) AS state_desc, 3::smallint AS recovery_model,
                'SIMPLE'::varchar(60) AS recovery_model_desc, true AS is_read_committed_snapshot_on,
                1::smallint AS snapshot_isolation_state
            FROM (SELECT 'master' AS name, 1 AS id UNION ALL SELECT 'tempdb', 2
                UNION ALL SELECT datname, oid::integer FROM pg_database WHERE NOT datistemplate AND datallowconn) d
            """)
        // A table's primary key is its clustered index (id 1), as CREATE TABLE … PRIMARY KEY makes it in SQL
        // Server; a table without one is a heap (id 0). Other indexes number from 2.
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.indexes AS
            SELECT c.oid::integer AS object_id, NULL::varchar(128) AS name, 0 AS index_id, 0::smallint AS type,
                'HEAP'::varchar(60) AS type_desc, false AS is_unique, false AS is_primary_key,
                false AS is_unique_constraint, 1 AS data_space_id, false AS ignore_dup_key, 0::smallint AS fill_factor,
                false AS is_disabled, false AS is_hypothetical, false AS has_filter
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN \(hidden) AND n.nspname NOT LIKE 'pg\\_temp\\_%'
                AND NOT EXISTS (SELECT 1 FROM pg_index p WHERE p.indrelid = c.oid AND p.indisprimary)
            UNION ALL
            SELECT i.indrelid::integer, ic.relname::varchar(128),
                (CASE WHEN i.indisprimary THEN 1 ELSE 1 + row_number() OVER (
                    PARTITION BY i.indrelid, i.indisprimary ORDER BY i.indexrelid) END)::integer,
                (CASE WHEN i.indisprimary THEN 1 ELSE 2 END)::smallint,
                (CASE WHEN i.indisprimary THEN 'CLUSTERED' ELSE 'NONCLUSTERED' END)::varchar(60),
                i.indisunique, i.indisprimary,
                EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype = 'u'),
                1, false, 0::smallint, false, false, i.indpred IS NOT NULL
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN \(hidden) AND n.nspname NOT LIKE 'pg\\_temp\\_%'
            """)
    }

    /// `max_length`, `precision` and `scale` of a system type as `sys.types` lists them.
    static func typeShape(_ name: String) -> (Int, Int, Int) {
        switch name {
        case "tinyint": return (1, 3, 0)
        case "smallint": return (2, 5, 0)
        case "int": return (4, 10, 0)
        case "bigint": return (8, 19, 0)
        case "bit": return (1, 1, 0)
        case "decimal", "numeric": return (17, 38, 38)
        case "money": return (8, 19, 4)
        case "smallmoney": return (4, 10, 4)
        case "real": return (4, 24, 0)
        case "float": return (8, 53, 0)
        case "date": return (3, 10, 0)
        case "time": return (5, 16, 7)
        case "datetime2": return (8, 27, 7)
        case "datetimeoffset": return (10, 34, 7)
        case "datetime": return (8, 23, 3)
        case "smalldatetime": return (4, 16, 0)
        case "uniqueidentifier": return (16, 0, 0)
        case "text", "ntext", "image", "xml": return (16, 0, 0)
        case "nchar", "nvarchar": return (8000, 0, 0)
        default: return (8000, 0, 0)
        }
    }
}
