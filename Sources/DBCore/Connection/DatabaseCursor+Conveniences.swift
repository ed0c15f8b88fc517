extension DatabaseCursor {
    /// Runs SQL that contains no parameters, sent as written (`%` is not special here).
    public func execute(_ sql: String) throws {
        try execute(BoundStatement(sql: sql))
    }

    /// Runs SQL with DB-API positional placeholders: each `%s` takes the next value; `%%` is a literal `%`.
    ///
    /// ```swift
    /// try cursor.execute("INSERT INTO inventory (name, quantity) VALUES (%s, %s);", ["banana", 150])
    /// ```
    public func execute(_ sql: String, _ parameters: [(any SQLValueEncodable)?]) throws {
        try execute(PlaceholderLexer.bind(sql, positional: parameters.map { $0?.sqlValue ?? .null }, dialect: dialect))
    }

    /// Runs SQL with DB-API named placeholders: `%(name)s` takes `parameters["name"]`; a name may repeat.
    ///
    /// ```swift
    /// try cursor.execute("UPDATE inventory SET quantity = %(q)s WHERE name = %(n)s", ["q": 200, "n": "banana"])
    /// ```
    public func execute(_ sql: String, _ parameters: [String: (any SQLValueEncodable)?]) throws {
        try execute(PlaceholderLexer.bind(sql, named: parameters.mapValues { $0?.sqlValue ?? .null }, dialect: dialect))
    }

    /// Runs SQL written with interpolation: `"... WHERE name = \(bind: name)"`.
    public func execute(_ query: SQLQuery) throws {
        try execute(query.bound(for: dialect))
    }

    /// Runs SQL with `%s` placeholders once per parameter set.
    public func executeMany(_ sql: String, _ parameterSets: [[(any SQLValueEncodable)?]]) throws {
        guard let first = parameterSets.first else { return }
        let template = try PlaceholderLexer.bind(sql, positional: first.map { $0?.sqlValue ?? .null }, dialect: dialect)
        let sets = parameterSets.map { $0.map { $0?.sqlValue ?? .null } }
        for set in sets where set.count != first.count {
            throw DatabaseError(
                kind: .invalidParameters,
                message: "every parameter set needs \(first.count) values; one has \(set.count)",
                statement: sql)
        }
        try executeMany(template.sql, parameterSets: sets)
    }

    /// Runs SQL with `%(name)s` placeholders once per parameter set.
    public func executeMany(_ sql: String, _ parameterSets: [[String: (any SQLValueEncodable)?]]) throws {
        guard let first = parameterSets.first else { return }
        let plan = try PlaceholderLexer.plan(sql, dialect: dialect)
        guard case .named(let names) = plan.style else {
            if case .none = plan.style, parameterSets.allSatisfy(\.isEmpty) {
                return try executeMany(plan.sql, parameterSets: parameterSets.map { _ in [] })
            }
            throw DatabaseError(
                kind: .invalidParameters, message: "named parameters need %(name)s placeholders", statement: sql)
        }
        _ = first
        var sets: [[SQLValue]] = []
        sets.reserveCapacity(parameterSets.count)
        for set in parameterSets {
            sets.append(
                try names.map { name in
                    guard let value = set[name] else {
                        throw DatabaseError(
                            kind: .invalidParameters, message: "no value for parameter '\(name)'", statement: sql)
                    }
                    return value?.sqlValue ?? .null
                })
        }
        try executeMany(plan.sql, parameterSets: sets)
    }

    /// Up to ``arraySize`` further rows.
    public func fetchMany() throws -> [Row] {
        try fetchMany(arraySize)
    }

    /// Calls `body` with each remaining row of the current result set, fetching as it goes.
    public func forEachRow(_ body: (Row) throws -> Void) throws {
        while let row = try fetchOne() { try body(row) }
    }

    /// The remaining rows of the current result set, each decoded as `T` by column name.
    public func fetchAll<T: Decodable>(as type: T.Type) throws -> [T] {
        try fetchAll().map { try $0.decode(T.self) }
    }
}
