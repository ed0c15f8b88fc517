import DBCore

/// Reads the rest of the cursor's current result set through `forEachRowView`, and checks every typed accessor of
/// every view against the value `value(at:)` decodes (the result, or the error kind, that DBCore's conversion of
/// that value gives). Returns the values row by row and the inconsistencies found (empty when there are none).
public func readThroughViews(_ cursor: any DatabaseCursor) throws -> (rows: [[SQLValue]], problems: [String]) {
    var rows: [[SQLValue]] = []
    var problems: [String] = []
    try cursor.forEachRowView { view in
        var values: [SQLValue] = []
        for index in 0..<view.columns.count {
            let value = try view.value(at: index)
            values.append(value)
            let label = "row \(rows.count) column \(index) (\(value.kindName))"
            if try view.isNull(at: index) != value.isNull { problems.append("\(label): isNull") }
            func check<T: Equatable>(_ name: String, _ got: () throws -> T?, _ expected: () throws -> T?) {
                if let problem = compare(got, expected) { problems.append("\(label): \(name) \(problem)") }
            }
            check("int64", { try view.int64(at: index) }, { try RowViewConversion.int64(value, index) })
            check("double", { try view.double(at: index) }, { try RowViewConversion.double(value, index) })
            check("string", { try view.string(at: index) }, { try RowViewConversion.string(value, index) })
            check(
                "withUTF8", { try view.withUTF8(at: index) { Array($0) } },
                { try RowViewConversion.string(value, index).map { Array($0.utf8) } })
            check("decimal", { try view.decimal(at: index) }, { try RowViewConversion.decimal(value, index) })
            check("timestamp", { try view.timestamp(at: index) }, { try RowViewConversion.timestamp(value, index) })
            check(
                "scaledDecimal", { try view.scaledDecimal(at: index).map { [$0.unscaled, Int64($0.scale)] } },
                {
                    try RowViewConversion.decimal(value, index).map {
                        let scaled = try RowViewConversion.scaled($0, index)
                        return [scaled.unscaled, Int64(scaled.scale)]
                    }
                })
        }
        if try view.makeRow().values != values { problems.append("row \(rows.count): makeRow differs") }
        rows.append(values)
    }
    return (rows, problems)
}

/// Compares what a view's accessor gave with what the conversion gives: equal values, or errors of the same kind.
private func compare<T: Equatable>(_ got: () throws -> T?, _ expected: () throws -> T?) -> String? {
    let actual = Result { try got() }
    let wanted = Result { try expected() }
    switch (actual, wanted) {
    case (.success(let a), .success(let b)):
        return a == b ? nil : "gave \(String(describing: a)), expected \(String(describing: b))"
    case (.failure(let a), .failure(let b)):
        return (a as? DatabaseError)?.kind == (b as? DatabaseError)?.kind ? nil : "failed with \(a), expected \(b)"
    case (.success(let a), .failure(let b)):
        return "gave \(String(describing: a)), expected the error \(b)"
    case (.failure(let a), .success(let b)):
        return "failed with \(a), expected \(String(describing: b))"
    }
}
