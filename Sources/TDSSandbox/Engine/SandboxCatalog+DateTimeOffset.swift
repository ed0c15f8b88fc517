import DBCore

extension SandboxCatalog {
    /// `datetimeoffset` keeps its offset, which PostgreSQL's `timestamptz` does not: the sandbox stores it as the
    /// composite `tds_sandbox.datetimeoffset (utc timestamp(6), offset_minutes smallint)`, made from text by
    /// `tds_sandbox.dto(text)`. Comparisons between two values compare the instants (as SQL Server does); the
    /// default ordering is by instant, then offset.
    static func installDateTimeOffset(_ cursor: any DatabaseCursor) throws {
        try cursor.execute(
            """
            DO $$ BEGIN
                CREATE TYPE tds_sandbox.datetimeoffset AS (utc timestamp(6), offset_minutes smallint);
            EXCEPTION WHEN duplicate_object THEN NULL;
            END $$
            """)
        try cursor.execute(
            #"""
            CREATE OR REPLACE FUNCTION tds_sandbox.dto(value text) RETURNS tds_sandbox.datetimeoffset
            LANGUAGE plpgsql IMMUTABLE STRICT AS $$
            DECLARE
                parts text[];
                minutes integer;
            BEGIN
                IF left(ltrim(value), 1) = '(' THEN
                    RETURN value::tds_sandbox.datetimeoffset;
                END IF;
                parts := regexp_match(value, '^\s*(.*?)\s*(?:([+-])(\d{1,2}):?(\d{2})|Z)?\s*$');
                IF parts IS NULL OR parts[1] = '' THEN
                    RAISE EXCEPTION 'invalid datetimeoffset value: "%"', value USING ERRCODE = '22007';
                END IF;
                minutes := CASE WHEN parts[2] IS NULL THEN 0
                    ELSE (parts[3]::integer * 60 + parts[4]::integer) * CASE parts[2] WHEN '-' THEN -1 ELSE 1 END END;
                IF abs(minutes) > 14 * 60 THEN
                    RAISE EXCEPTION 'datetimeoffset offset out of range: "%"', value USING ERRCODE = '22008';
                END IF;
                RETURN ROW(parts[1]::timestamp(6) - make_interval(mins => minutes), minutes)::tds_sandbox.datetimeoffset;
            END $$
            """#)
        let comparisons = [
            ("=", "eq", "="), ("<>", "ne", "<>"), ("<", "lt", "<"), ("<=", "le", "<="), (">", "gt", ">"),
            (">=", "ge", ">="),
        ]
        for (symbol, name, sqlOperator) in comparisons {
            try cursor.execute(
                "CREATE OR REPLACE FUNCTION tds_sandbox.dto_\(name)(tds_sandbox.datetimeoffset, tds_sandbox.datetimeoffset) "
                    + "RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS 'SELECT ($1).utc \(sqlOperator) ($2).utc'")
            try cursor.execute(
                """
                DO $$ BEGIN
                    CREATE OPERATOR tds_sandbox.\(symbol) (LEFTARG = tds_sandbox.datetimeoffset,
                        RIGHTARG = tds_sandbox.datetimeoffset, FUNCTION = tds_sandbox.dto_\(name));
                EXCEPTION WHEN duplicate_function THEN NULL;
                END $$
                """)
        }
        try installDateTimeOffsetOrdering(cursor)
    }

    /// The default btree operator class (ORDER BY, indexes, DISTINCT) orders by instant only, as SQL Server does.
    /// PostgreSQL lets only superusers create operator classes; without it, values order by instant, then offset.
    static func installDateTimeOffsetOrdering(_ cursor: any DatabaseCursor) throws {
        try cursor.execute(
            "CREATE OR REPLACE FUNCTION tds_sandbox.dto_cmp(tds_sandbox.datetimeoffset, tds_sandbox.datetimeoffset) "
                + "RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS "
                + "'SELECT CASE WHEN ($1).utc < ($2).utc THEN -1 WHEN ($1).utc > ($2).utc THEN 1 ELSE 0 END'")
        try cursor.execute(
            """
            DO $$ BEGIN
                CREATE OPERATOR CLASS tds_sandbox.datetimeoffset_ops DEFAULT FOR TYPE tds_sandbox.datetimeoffset
                USING btree AS
                    OPERATOR 1 tds_sandbox.<, OPERATOR 2 tds_sandbox.<=, OPERATOR 3 tds_sandbox.=,
                    OPERATOR 4 tds_sandbox.>=, OPERATOR 5 tds_sandbox.>, FUNCTION 1 tds_sandbox.dto_cmp(
                        tds_sandbox.datetimeoffset, tds_sandbox.datetimeoffset);
            EXCEPTION WHEN duplicate_object OR insufficient_privilege THEN NULL;
            END $$
            """)
    }

    /// A stored `datetimeoffset` (composite text `("2024-01-01 08:00:00",120)` or its binary record) as a value.
    static func decodeDateTimeOffset(_ value: SQLValue) -> SQLValue? {
        switch value {
        case .string(let text):
            let trimmed = text.trimmingPrefix("(")
            guard trimmed.count < text.count, text.hasSuffix(")"), let comma = trimmed.lastIndex(of: ",") else {
                return nil
            }
            let utcText = trimmed[..<comma].filter { $0 != "\"" }
            guard let utc = SQLTimestamp(iso: utcText),
                let minutes = Int(trimmed[trimmed.index(after: comma)...].dropLast())
            else { return nil }
            return .timestampTZ(SQLTimestampTZ(utc: utc, offsetSeconds: minutes * 60))
        case .bytes(let bytes):
            // Binary record: int32 field count, then per field: oid (4), length (4), data.
            guard bytes.count == 4 + 8 + 8 + 8 + 2, readInt(bytes, 0, 4) == 2 else { return nil }
            let micros = readInt(bytes, 12, 8)
            let minutes = Int(Int16(truncatingIfNeeded: readInt(bytes, 28, 2)))
            // Microseconds since 2000-01-01 as a day and a time of day (no nanosecond total: it would overflow
            // outside 1677–2262).
            let microsPerDay: Int64 = 86_400_000_000
            var days = micros / microsPerDay
            var remainder = micros % microsPerDay
            if remainder < 0 {
                days -= 1
                remainder += microsPerDay
            }
            guard let time = SQLTime(nanosecondsSinceMidnight: remainder * 1000) else { return nil }
            let date = SQLDate(daysSince1970: Int(days) + 10_957)
            return .timestampTZ(SQLTimestampTZ(utc: SQLTimestamp(date: date, time: time), offsetSeconds: minutes * 60))
        default:
            return nil
        }
    }

    private static func readInt(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int64 {
        var value: UInt64 = 0
        for byte in bytes[offset..<(offset + count)] { value = value << 8 | UInt64(byte) }
        let shift = UInt64(64 - count * 8)
        return Int64(bitPattern: value << shift) >> Int64(shift)
    }
}
