import Foundation

extension CatalogTable {
    /// The SQL that makes `datetime` and `smalldatetime` columns round as SQL Server stores them (`datetime` to
    /// 1/300 s, `smalldatetime` to the minute): a row trigger calling `tds_sandbox.round_datetime` /
    /// `tds_sandbox.round_smalldatetime` for each such column, and a new `tds_sandbox.next_rowversion()` for a
    /// `rowversion` column on every insert and update. Empty when the table has none.
    var roundingTriggerSQL: [String] {
        var assignments: [String] = []
        for column in columns {
            let name = TSQLRewriter.quote(column.name.lowercased())
            if column.isRowVersion {
                assignments.append("NEW.\(name) := tds_sandbox.next_rowversion();")
                continue
            }
            switch column.type {
            case .datetime: assignments.append("NEW.\(name) := tds_sandbox.round_datetime(NEW.\(name));")
            case .smalldatetime: assignments.append("NEW.\(name) := tds_sandbox.round_smalldatetime(NEW.\(name));")
            default: break
            }
        }
        guard !assignments.isEmpty else { return [] }
        let relation = isTemporary ? name : schema + "." + name
        let bare = (schema + "_" + name).replacingOccurrences(of: "\"", with: "")
        let function = (isTemporary ? "pg_temp." : "tds_sandbox.") + TSQLRewriter.quote("round_" + bare)
        return [
            "CREATE OR REPLACE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $tds$ BEGIN "
                + assignments.joined(separator: " ") + " RETURN NEW; END $tds$",
            "CREATE TRIGGER tds_sandbox_round BEFORE INSERT OR UPDATE ON \(relation) FOR EACH ROW "
                + "EXECUTE FUNCTION \(function)()",
        ]
    }
}
