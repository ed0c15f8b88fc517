import SQLLexing

extension TSQLType {
    /// The PostgreSQL type that stores values of this T-SQL type (see the README's type table). Constraints that
    /// the PostgreSQL type alone does not enforce (tinyint's range, binary lengths) are added by the DDL rewrite.
    var postgresStorageType: String {
        switch self {
        case .tinyint, .smallint: return "smallint"
        case .int: return "integer"
        case .bigint: return "bigint"
        case .bit: return "boolean"
        case .decimal(let p, let s): return "numeric(\(p),\(s))"
        case .money: return "numeric(19,4)"
        case .smallmoney: return "numeric(10,4)"
        case .real: return "real"
        case .float: return "double precision"
        case .char(let n), .nchar(let n): return "char(\(n))"
        case .varchar(let n), .nvarchar(let n): return n.map { "varchar(\($0))" } ?? "text"
        case .binary, .varbinary: return "bytea"
        case .date: return "date"
        case .time(let s): return "time(\(min(s, 6)))"
        case .datetime: return "timestamp(3)"
        case .smalldatetime: return "timestamp(0)"
        case .datetime2(let s): return "timestamp(\(min(s, 6)))"
        case .datetimeoffset: return "tds_sandbox.datetimeoffset"
        case .uniqueidentifier: return "uuid"
        }
    }

    /// A column CHECK expression (for `column`, already quoted) enforcing what the storage type does not.
    func storageCheck(column: String) -> String? {
        switch self {
        case .tinyint: return "\(column) BETWEEN 0 AND 255"
        case .binary(let n), .varbinary(.some(let n)): return "octet_length(\(column)) <= \(n)"
        default: return nil
        }
    }

    /// Parses a T-SQL type name and its arguments, e.g. `nvarchar`, `["50"]` or `decimal`, `["12", "2"]`;
    /// `max` is passed as `"max"`. `defaultLength` is 1 in DDL and DECLARE, 30 in CAST and CONVERT.
    static func parse(name: String, arguments: [String], defaultLength: Int = 1) -> TSQLType? {
        func length() -> Int?? {
            guard let first = arguments.first else { return .some(defaultLength) }
            if first.caseInsensitiveEquals("max") { return .some(nil) }
            guard let n = Int(first), n >= 1, n <= 8000 else { return nil }
            return .some(n)
        }
        func scale(default value: Int) -> Int? {
            guard let first = arguments.first else { return value }
            guard let n = Int(first), (0...7).contains(n) else { return nil }
            return n
        }
        switch name.lowercased() {
        case "tinyint": return arguments.isEmpty ? .tinyint : nil
        case "smallint": return arguments.isEmpty ? .smallint : nil
        case "int", "integer": return arguments.isEmpty ? .int : nil
        case "bigint": return arguments.isEmpty ? .bigint : nil
        case "bit": return arguments.isEmpty ? .bit : nil
        case "decimal", "numeric", "dec":
            let precision = arguments.first.flatMap { Int($0) } ?? 18
            let scale = arguments.count > 1 ? Int(arguments[1]) ?? -1 : 0
            guard (1...38).contains(precision), (0...precision).contains(scale), arguments.count <= 2 else {
                return nil
            }
            return .decimal(precision: precision, scale: scale)
        case "money": return .money
        case "smallmoney": return .smallmoney
        case "real": return .real
        case "float":
            guard let n = arguments.first else { return .float }
            guard let bits = Int(n), (1...53).contains(bits) else { return nil }
            return bits <= 24 ? .real : .float
        case "char", "character":
            guard case .some(.some(let n)) = length() else { return nil }
            return .char(n)
        case "nchar":
            guard case .some(.some(let n)) = length(), n <= 4000 else { return nil }
            return .nchar(n)
        case "varchar":
            guard case .some(let n) = length() else { return nil }
            return .varchar(n)
        case "nvarchar":
            guard case .some(let n) = length(), (n ?? 0) <= 4000 else { return nil }
            return .nvarchar(n)
        case "sysname": return .nvarchar(128)
        // The deprecated large-object types, as the (max) types that replaced them.
        case "text": return arguments.isEmpty ? .varchar(nil) : nil
        case "ntext": return arguments.isEmpty ? .nvarchar(nil) : nil
        case "image": return arguments.isEmpty ? .varbinary(nil) : nil
        case "binary":
            guard case .some(.some(let n)) = length() else { return nil }
            return .binary(n)
        case "varbinary":
            guard case .some(let n) = length() else { return nil }
            return .varbinary(n)
        case "date": return arguments.isEmpty ? .date : nil
        case "time": return scale(default: 7).map { .time(scale: $0) }
        case "datetime": return arguments.isEmpty ? .datetime : nil
        case "smalldatetime": return arguments.isEmpty ? .smalldatetime : nil
        case "datetime2": return scale(default: 7).map { .datetime2(scale: $0) }
        case "datetimeoffset": return scale(default: 7).map { .datetimeoffset(scale: $0) }
        case "uniqueidentifier": return arguments.isEmpty ? .uniqueidentifier : nil
        default: return nil
        }
    }

    /// Parses the T-SQL spelling this type's ``description`` produces, or a declaration such as `nvarchar(50)`.
    static func parse(_ text: String) -> TSQLType? {
        guard let tokens = try? TSQLTokenizer.tokenize(text), let first = tokens.first, first.isIdentifier else {
            return nil
        }
        var cursor = TSQLTokenCursor(tokens: tokens[...])
        guard let type = try? cursor.readType(defaultLength: 1), cursor.isAtEnd else { return nil }
        return type
    }
}
