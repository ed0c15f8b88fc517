/// The translations of the parameterized statements a session ran (`sp_executesql`, `sp_prepexec`, `sp_execute`),
/// keyed by statement text and parameter types, and the parsed parameter declaration strings, so that a point
/// query repeated with new values is neither tokenized nor translated again.
///
/// A translation can depend on the session's recorded table columns (``SessionState/tableColumns``, which the
/// translator reads through its column resolver and which DDL clears): an entry keeps the answers it got, and is
/// used only while the session would give the same answers again. Bounded: least recently used entries go first.
struct StatementTranslationCache {
    /// A statement and the T-SQL types of its declared parameters.
    struct Key: Hashable {
        var sql: String
        var variables: [String: TSQLType]
    }

    private struct Entry {
        var statements: [TranslatedStatement]
        /// The column resolver's answers during the translation, by table.
        var resolved: [(table: String, columns: [CatalogColumn]?)]
        var lastUse: UInt64
    }

    /// How many translations (and as many declaration strings) are kept.
    let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var declarations: [String: (parsed: [TSQLParameterDeclaration], lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0
    /// Translations found (and still valid) and translations made.
    private(set) var hits = 0
    private(set) var misses = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// The parsed declaration string (`@P1 int, @P2 nvarchar(40)`); only successful parses are kept.
    mutating func declarations(
        _ text: String, parse: (String) throws(SQLServerMessage) -> [TSQLParameterDeclaration]
    ) throws(SQLServerMessage) -> [TSQLParameterDeclaration] {
        clock &+= 1
        if let found = declarations[text] {
            declarations[text]?.lastUse = clock
            return found.parsed
        }
        let parsed = try parse(text)
        if declarations.count >= capacity, let oldest = declarations.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            declarations.removeValue(forKey: oldest.key)
        }
        declarations[text] = (parsed, clock)
        return parsed
    }

    /// The cached translation of `key` when every table the translator resolved for it still resolves to the same
    /// columns (`current` gives the session's answer now, `nil` when it would have to ask PostgreSQL again).
    mutating func translation(
        _ key: Key, current: (String) -> [CatalogColumn]??
    ) -> [TranslatedStatement]? {
        clock &+= 1
        guard let entry = entries[key] else { return nil }
        for (table, columns) in entry.resolved {
            guard let now = current(table), now == columns else {
                entries.removeValue(forKey: key)
                return nil
            }
        }
        entries[key]?.lastUse = clock
        hits += 1
        return entry.statements
    }

    /// Records a translation made with the resolver answers `resolved`.
    mutating func store(
        _ statements: [TranslatedStatement], for key: Key, resolved: [(table: String, columns: [CatalogColumn]?)]
    ) {
        misses += 1
        clock &+= 1
        if entries[key] == nil, entries.count >= capacity,
            let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            entries.removeValue(forKey: oldest.key)
        }
        entries[key] = Entry(statements: statements, resolved: resolved, lastUse: clock)
    }
}

extension PostgresSessionEngine {
    /// ``TSQLParameterDeclaration/parse(_:)`` through the session's cache.
    func parseDeclarations(_ text: String) throws(SQLServerMessage) -> [TSQLParameterDeclaration] {
        try translations.declarations(text, parse: TSQLParameterDeclaration.parse)
    }

    /// ``TSQLTranslator/translate(_:variables:columnResolver:)`` of a parameterized statement with the session's
    /// column resolver, through the session's cache.
    func translateParameterized(
        _ sql: String, variables: [String: TSQLType]
    ) throws(SQLServerMessage) -> [TranslatedStatement] {
        let key = StatementTranslationCache.Key(sql: sql, variables: variables)
        if let cached = translations.translation(key, current: { state.tableColumns[$0] }) { return cached }
        let resolver = columnResolver
        var resolved: [(table: String, columns: [CatalogColumn]?)] = []
        let statements = try TSQLTranslator.translate(sql, variables: variables) { table in
            let columns = resolver(table)
            resolved.append((table, columns))
            return columns
        }
        translations.store(statements, for: key, resolved: resolved)
        return statements
    }
}
