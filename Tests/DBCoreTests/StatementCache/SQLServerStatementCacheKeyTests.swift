import DBCore
import Testing

/// The statement-cache settings in SQL Server's connection formats: `sqlserver://` query keys under psycopg's
/// names, and Npgsql's auto-prepare keys in an ADO.NET string that is otherwise SQL Server's.
@Suite("Statement-cache keys for SQL Server")
struct SQLServerStatementCacheKeyTests {
    @Test("sqlserver:// URLs take prepare_threshold and prepared_max; bad values fail when the settings are read")
    func urlKeys() throws {
        let url = try ConnectionConfiguration(url: "sqlserver://h/db?prepare_threshold=0&Prepared_Max=7")
        #expect(url.options["prepare_threshold"] == "0" && url.options["prepared_max"] == "7")
        let settings = try StatementCacheSettings(options: url.options)
        #expect(settings.threshold == 0 && settings.capacity == 7)
        let off = try ConnectionConfiguration(url: "sqlserver://h/db?prepare_threshold=none")
        #expect(try StatementCacheSettings(options: off.options).threshold == nil)
        let bad = try ConnectionConfiguration(url: "sqlserver://h/db?prepared_max=0")
        #expect(throws: DatabaseError.self) { try StatementCacheSettings(options: bad.options) }
    }

    @Test("an ADO.NET string for SQL Server honours Max Auto Prepare and Auto Prepare Min Usages")
    func adoNetKeys() throws {
        let configuration = try ConnectionConfiguration(
            connectionString:
                "Server=tcp:h,1433;Initial Catalog=db;User ID=u;Max Auto Prepare=20;Auto Prepare Min Usages=2")
        #expect(configuration.backend == .sqlServer)
        #expect(configuration.options["prepared_max"] == "20" && configuration.options["prepare_threshold"] == "2")
        let off = try ConnectionConfiguration(connectionString: "Data Source=h;Max Auto Prepare=0")
        #expect(off.backend == .sqlServer)
        #expect(try StatementCacheSettings(options: off.options).threshold == nil)
        #expect(throws: DatabaseError.self) {
            try ConnectionConfiguration(connectionString: "Data Source=h;Auto Prepare Min Usages=-1")
        }
    }
}
