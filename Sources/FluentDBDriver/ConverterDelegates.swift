import FluentKit
import FluentSQL
import SQLKit

/// Fluent's data types as PostgreSQL types (as Vapor's PostgreSQL driver maps them, arrays as JSONB).
struct PostgreSQLConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .uuid: SQLRaw("UUID")
        case .bool: SQLRaw("BOOLEAN")
        case .data: SQLRaw("BYTEA")
        case .date: SQLRaw("DATE")
        case .datetime: SQLRaw("TIMESTAMPTZ")
        case .double: SQLRaw("DOUBLE PRECISION")
        case .float: SQLRaw("REAL")
        case .dictionary, .array: SQLRaw("JSONB")
        case .enum(let value): SQLIdentifier(value.name)
        case .int8, .uint8, .int16, .uint16: SQLRaw("SMALLINT")
        case .int32, .uint32: SQLRaw("INTEGER")
        case .int64, .uint64: SQLRaw("BIGINT")
        case .string: SQLRaw("TEXT")
        case .time: SQLRaw("TIME")
        case .custom: nil
        }
    }
}

/// Fluent's data types as SQL Server types; an enum field becomes an `NVARCHAR(255)` column with a named CHECK
/// constraint listing its cases (`ck_<table>_<field>`), replaced when the enum's cases change and dropped before
/// its field; a string field in a unique constraint made with its table is `NVARCHAR(450)` (indexable), other
/// strings `NVARCHAR(MAX)`.
struct SQLServerConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .uuid: SQLRaw("UNIQUEIDENTIFIER")
        case .bool: SQLRaw("BIT")
        case .data: SQLRaw("VARBINARY(MAX)")
        case .date: SQLRaw("DATE")
        case .datetime: SQLRaw("DATETIMEOFFSET(6)")
        case .double: SQLRaw("FLOAT")
        case .float: SQLRaw("REAL")
        case .dictionary, .array: SQLRaw("NVARCHAR(MAX)")
        case .enum: SQLRaw("NVARCHAR(255)")
        case .int8, .uint8, .int16: SQLRaw("SMALLINT")
        case .uint16, .int32: SQLRaw("INT")
        case .uint32, .int64, .uint64: SQLRaw("BIGINT")
        case .string: SQLRaw("NVARCHAR(MAX)")
        case .time: SQLRaw("TIME(6)")
        case .custom: nil
        }
    }

    func beforeConvert(_ schema: DatabaseSchema) -> DatabaseSchema {
        var schema = schema
        // SQL Server cannot index NVARCHAR(MAX): a string field of a unique constraint created with its table is
        // NVARCHAR(450) (900 bytes, the key limit), as Entity Framework does for keys.
        let uniqueFields = Set(
            schema.createConstraints.flatMap { constraint -> [String] in
                guard case .constraint(.unique(let fields), _) = constraint else { return [] }
                return fields.map(fieldName)
            })
        schema.createFields = schema.createFields.map { field in
            guard case .definition(let name, .string, let constraints) = field, uniqueFields.contains(fieldName(name))
            else { return field }
            return .definition(name: name, dataType: .custom(SQLRaw("NVARCHAR(450)")), constraints: constraints)
        }
        var createConstraints = schema.createConstraints
        var deleteConstraints = schema.deleteConstraints
        for field in schema.createFields {
            guard case .definition(let name, let dataType, _) = field, case .enum(let value) = dataType else {
                continue
            }
            createConstraints.append(check(table: schema.schema, field: name, cases: value.cases))
        }
        for field in schema.updateFields {
            guard case .dataType(let name, let dataType) = field, case .enum(let value) = dataType else { continue }
            deleteConstraints.append(dropCheckIfExists(table: schema.schema, field: name))
            createConstraints.append(check(table: schema.schema, field: name, cases: value.cases))
        }
        // SQL Server refuses to drop a column a CHECK constraint uses: drop an enum field's check first.
        for field in schema.deleteFields {
            deleteConstraints.append(dropCheckIfExists(table: schema.schema, field: field))
        }
        schema.createConstraints = createConstraints
        schema.deleteConstraints = deleteConstraints
        return schema
    }

    private func dropCheckIfExists(table: String, field: DatabaseSchema.FieldName) -> DatabaseSchema.ConstraintDelete {
        .custom(
            SQLKit.SQLList(
                [SQLRaw("CONSTRAINT IF EXISTS"), SQLIdentifier(checkName(table: table, field: field))],
                separator: SQLRaw(" ")))
    }

    private func checkName(table: String, field: DatabaseSchema.FieldName) -> String {
        "ck_\(table)_\(fieldName(field))"
    }

    private func fieldName(_ field: DatabaseSchema.FieldName) -> String {
        switch field {
        case .key(let key): key.description
        case .custom(let custom): (custom as? SQLIdentifier)?.string ?? "custom"
        }
    }

    private func check(table: String, field: DatabaseSchema.FieldName, cases: [String]) -> DatabaseSchema.Constraint {
        let condition = SQLBinaryExpression(
            left: SQLIdentifier(fieldName(field)), op: SQLBinaryOperator.in,
            right: SQLGroupExpression(cases.map { SQLLiteral.string($0) }))
        return .constraint(
            .custom(SQLTableConstraintAlgorithm.check(condition)), name: checkName(table: table, field: field))
    }
}
