extension TSQLTranslator {
    /// The changes of `ALTER TABLE t …` after the table name, as PostgreSQL clauses:
    ///
    /// * `ADD c type …, CONSTRAINT n UNIQUE (…), …` (columns and constraints mixed) → `ADD COLUMN …, ADD CONSTRAINT …`;
    ///   the new columns are recorded in the catalog;
    /// * `DROP COLUMN a, b` / `DROP CONSTRAINT x, CONSTRAINT y` / `DROP a` (`IF EXISTS` kept) → one `DROP …` clause
    ///   per name;
    /// * `ALTER COLUMN c type [NULL | NOT NULL]` → `ALTER COLUMN c TYPE storage USING c::storage` (and `SET`/`DROP
    ///   NOT NULL`); the new type is recorded in the catalog.
    ///
    /// Returns `nil` for other forms, which the caller passes through.
    func translateAlterTableChanges(
        _ changes: ArraySlice<TSQLToken>, target: (sql: String, schema: String, name: String)
    ) throws(SQLServerMessage) -> TranslatedStatement.Action? {
        guard let verb = changes.first else { return nil }
        var rewriter = TSQLRewriter(variables: variables)
        let rest = changes.dropFirst()
        let table = { (columns: [CatalogColumn]) in
            CatalogTable(schema: target.schema, name: target.name, isTemporary: false, columns: columns)
        }
        if verb.isWord("ADD") {
            var clauses: [String] = []
            var columns: [CatalogColumn] = []
            for item in TSQLRewriter.splitAtCommas(rest) {
                guard let first = item.first else { throw .incorrectSyntax(near: verb) }
                if let keyword = first.keyword, Self.alterConstraintStarts.contains(keyword) {
                    let kept = item.filter { !$0.isWord("CLUSTERED") && !$0.isWord("NONCLUSTERED") }
                    clauses.append("ADD " + (try rewriter.rewrite(kept[...])))
                } else {
                    let (sql, column) = try columnDefinition(item, rewriter: &rewriter)
                    clauses.append("ADD COLUMN " + sql)
                    columns.append(column)
                }
            }
            let sql = "ALTER TABLE \(target.sql) " + clauses.joined(separator: ", ")
            if columns.isEmpty { return .query(PostgresQuery(sql: sql, parameters: rewriter.parameters), .ddl) }
            return .createTable(PostgresQuery(sql: sql), table(columns))
        }
        if verb.isWord("DROP") {
            // DROP [CONSTRAINT | COLUMN] [IF EXISTS] name [, [CONSTRAINT | COLUMN] [IF EXISTS] name …]; a name
            // without a keyword takes the previous one's kind (a column at first).
            var cursor = TSQLTokenCursor(tokens: rest)
            var kind = "COLUMN"
            var clauses: [String] = []
            repeat {
                if cursor.skip(word: "CONSTRAINT") {
                    kind = "CONSTRAINT"
                } else if cursor.skip(word: "COLUMN") {
                    kind = "COLUMN"
                }
                var ifExists = false
                if cursor.skip(word: "IF") {
                    try cursor.expect(word: "EXISTS")
                    ifExists = true
                }
                guard let name = cursor.next(), name.isIdentifier else { throw cursor.syntaxError() }
                clauses.append("DROP \(kind) " + (ifExists ? "IF EXISTS " : "") + TSQLRewriter.identifier(name))
            } while cursor.skip(symbol: ",")
            guard cursor.isAtEnd else { throw cursor.syntaxError() }
            return .query(PostgresQuery(sql: "ALTER TABLE \(target.sql) " + clauses.joined(separator: ", ")), .ddl)
        }
        if verb.isWord("ALTER") {
            var cursor = TSQLTokenCursor(tokens: rest)
            try cursor.expect(word: "COLUMN")
            guard let name = cursor.next(), name.isIdentifier else { throw cursor.syntaxError() }
            let type = try cursor.readType(defaultLength: 1)
            let column = TSQLRewriter.identifier(name)
            let storage = type.postgresStorageType
            var sql = "ALTER TABLE \(target.sql) ALTER COLUMN \(column) TYPE \(storage) USING \(column)::\(storage)"
            if cursor.skip(word: "NOT") {
                try cursor.expect(word: "NULL")
                sql += ", ALTER COLUMN \(column) SET NOT NULL"
            } else if cursor.skip(word: "NULL") {
                sql += ", ALTER COLUMN \(column) DROP NOT NULL"
            }
            guard cursor.isAtEnd else {
                throw .unsupported("ALTER COLUMN with more than a type and NULL / NOT NULL", line: verb.line)
            }
            return .createTable(PostgresQuery(sql: sql), table([CatalogColumn(name: name.text, type: type)]))
        }
        return nil
    }

    /// Words that start a table constraint in `ALTER TABLE … ADD`.
    private static let alterConstraintStarts: Set<String> = ["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK"]
}
