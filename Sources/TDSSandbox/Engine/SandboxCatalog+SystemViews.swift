import DBCore

extension SandboxCatalog {
    /// SQL Server's type ids (`sys.types.system_type_id`) by T-SQL type name, as `TYPE_NAME` and `sys.columns` use
    /// them.
    static let systemTypeIDs: [(name: String, id: Int)] = [
        ("image", 34), ("text", 35), ("uniqueidentifier", 36), ("date", 40), ("time", 41), ("datetime2", 42),
        ("datetimeoffset", 43), ("tinyint", 48), ("smallint", 52), ("int", 56), ("smalldatetime", 58), ("real", 59),
        ("money", 60), ("datetime", 61), ("float", 62), ("ntext", 99), ("bit", 104), ("decimal", 106),
        ("numeric", 108), ("smallmoney", 122), ("bigint", 127), ("varbinary", 165), ("varchar", 167),
        ("binary", 173), ("char", 175), ("nvarchar", 231), ("nchar", 239), ("xml", 241),
    ]

    /// A minimal `sys.columns` (schema `sys` in each database): `object_id` (the table's OID as an integer, as
    /// `OBJECT_ID` returns it), `name`, `column_id`, `system_type_id`, `user_type_id`, `max_length`, `precision`,
    /// `scale`, `is_nullable`, `is_identity`, read from PostgreSQL's `pg_attribute` and the sandbox's column
    /// catalog; and `tds_sandbox.type_id(text)` / `tds_sandbox.type_name(integer)` behind `TYPE_NAME`. Clients
    /// such as pymssql's `bulk_copy` query it to learn which columns are Unicode or identity.
    static func installSystemViews(_ cursor: any DatabaseCursor) throws {
        let cases = systemTypeIDs.map { "WHEN \(TSQLRewriter.literal($0.name)) THEN \($0.id)" }.joined(separator: " ")
        let names = systemTypeIDs.map { "WHEN \($0.id) THEN \(TSQLRewriter.literal($0.name))" }.joined(separator: " ")
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.type_id(tsql_type text) RETURNS integer
            LANGUAGE sql IMMUTABLE STRICT AS $$
                SELECT CASE lower(split_part(split_part(tsql_type, '(', 1), ' ', 1)) \(cases)
                    WHEN 'sysname' THEN 231 ELSE NULL END
            $$
            """)
        try cursor.execute(
            """
            CREATE OR REPLACE FUNCTION tds_sandbox.type_name(type_id integer) RETURNS varchar(128)
            LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT CASE type_id \(names) ELSE NULL END $$
            """)
        try cursor.execute("CREATE SCHEMA IF NOT EXISTS sys")
        try cursor.execute(
            """
            CREATE OR REPLACE VIEW sys.columns AS
            SELECT a.attrelid::integer AS object_id, coalesce(c.original_name, a.attname::text)::varchar(128) AS name,
                a.attnum::integer AS column_id, tds_sandbox.type_id(c.tsql_type) AS system_type_id,
                tds_sandbox.type_id(c.tsql_type) AS user_type_id,
                CASE WHEN a.attlen > 0 THEN a.attlen::smallint
                    WHEN a.atttypmod > 4 AND c.tsql_type LIKE 'n%char%' THEN ((a.atttypmod - 4) * 2)::smallint
                    WHEN a.atttypmod > 4 AND a.atttypid IN ('varchar'::regtype, 'bpchar'::regtype)
                        THEN (a.atttypmod - 4)::smallint
                    ELSE (-1)::smallint END AS max_length,
                CASE WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod > 4
                    THEN (((a.atttypmod - 4) >> 16) & 65535)::smallint ELSE 0::smallint END AS precision,
                CASE WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod > 4
                    THEN ((a.atttypmod - 4) & 65535)::smallint ELSE 0::smallint END AS scale,
                NOT a.attnotnull AS is_nullable, a.attidentity <> '' AS is_identity
            FROM pg_attribute a
            JOIN pg_class r ON r.oid = a.attrelid AND r.relkind IN ('r', 'p', 'v')
            LEFT JOIN tds_sandbox.columns c ON c.table_oid = a.attrelid AND c.attnum = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped
            """)
    }
}
