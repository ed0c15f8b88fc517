import DBCore
import Foundation
import Testing

@Suite("ConnectionConfiguration from the environment and auto-detection")
struct ConfigurationEnvironmentTests {
    @Test func quickstartVariables() throws {
        let environment = [
            "DBHOST": "mydemoserver.postgres.database.azure.com", "DBNAME": "postgres",
            "DBUSER": "mylogin@mydemoserver", "DBPASSWORD": "Pa55 word", "SSLMODE": "require", "DBPORT": "6432",
        ]
        let configuration = try #require(try ConnectionConfiguration.fromEnvironment(environment, backend: .postgresql))
        #expect(configuration.backend == .postgresql)
        #expect(configuration.host == "mydemoserver.postgres.database.azure.com")
        #expect(configuration.database == "postgres")
        #expect(configuration.user == "mylogin@mydemoserver")
        #expect(configuration.tls == .require)
        #expect(configuration.port == 6432)
        expectDescriptionHidesPassword(configuration, "Pa55 word")
    }

    @Test func onlyHost() throws {
        let configuration = try #require(try ConnectionConfiguration.fromEnvironment(["DBHOST": "h", "DBNAME": ""]))
        #expect(configuration.backend == nil)
        #expect(configuration.host == "h")
        #expect(configuration.database == nil)
        #expect(configuration.user == nil)
        #expect(configuration.password == nil)
        #expect(configuration.port == nil)
        #expect(configuration.tls == .prefer)
    }

    @Test func missingHostIsNil() throws {
        #expect(try ConnectionConfiguration.fromEnvironment([:]) == nil)
        #expect(try ConnectionConfiguration.fromEnvironment(["DBHOST": "", "DBNAME": "x"]) == nil)
        #expect(try ConnectionConfiguration.fromEnvironment(["DBHOST": "  "]) == nil)
    }

    @Test func badVariablesAreNamed() {
        expectInvalidConfiguration(mentioning: ["DBPORT", "'abc'"], never: ["topsecret"]) {
            try ConnectionConfiguration.fromEnvironment(["DBHOST": "h", "DBPORT": "abc", "DBPASSWORD": "topsecret"])
        }
        expectInvalidConfiguration(mentioning: ["DBPORT", "'99999'"]) {
            try ConnectionConfiguration.fromEnvironment(["DBHOST": "h", "DBPORT": "99999"])
        }
        expectInvalidConfiguration(mentioning: ["SSLMODE", "'required'"]) {
            try ConnectionConfiguration.fromEnvironment(["DBHOST": "h", "SSLMODE": "required"])
        }
    }

    @Test func processEnvironmentIsTheDefault() throws {
        // Whatever the process has, the call must not throw on an unset DBHOST and must agree with an explicit read.
        let implicit = try? ConnectionConfiguration.fromEnvironment()
        let explicit = try? ConnectionConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        #expect(implicit == explicit)
    }

    @Test func parsingDetectsTheForm() throws {
        let url = try ConnectionConfiguration(parsing: "  postgresql://u@h/db  ")
        #expect(url.backend == .postgresql)
        #expect(url.database == "db")
        let sqlServerURL = try ConnectionConfiguration(parsing: "sqlserver://h:1433")
        #expect(sqlServerURL.backend == .sqlServer)
        let ado = try ConnectionConfiguration(parsing: ConfigurationADONetTests.azureSQL)
        #expect(ado.backend == .sqlServer)
        #expect(ado.database == "mydb")
        let keywords = try ConnectionConfiguration(parsing: "host=h dbname=d sslmode=disable")
        #expect(keywords.backend == .postgresql)
        #expect(keywords.tls == .disable)
        #expect(keywords.database == "d")
        // A keyword string whose password holds a ';' is still a keyword string.
        let semicolon = try ConnectionConfiguration(parsing: "host=h dbname=d password=a;b")
        #expect(semicolon.backend == .postgresql)
        #expect(semicolon.host == "h")
        #expect(semicolon.password?.revealed == "a;b")
        // A single ADO.NET pair without ';' is ADO.NET; a single libpq pair is libpq.
        let server = try ConnectionConfiguration(parsing: "Server=tcp:h,1433")
        #expect(server.backend == .sqlServer)
        #expect(server.host == "h")
        let host = try ConnectionConfiguration(parsing: "host=h")
        #expect(host.backend == .postgresql)
        #expect(host.host == "h")
        let postgresPortal = try ConnectionConfiguration(parsing: ConfigurationADONetTests.azurePostgres)
        #expect(postgresPortal.backend == .postgresql)
        #expect(postgresPortal.tls == .require)
        expectInvalidConfiguration(mentioning: ["cannot tell the form"], never: ["justsomesecret"]) {
            try ConnectionConfiguration(parsing: "justsomesecret")
        }
    }

    @Test func defaultPorts() {
        #expect(ConnectionConfiguration(backend: .postgresql).defaultPort == 5432)
        #expect(ConnectionConfiguration(backend: .sqlServer).defaultPort == 1433)
        #expect(ConnectionConfiguration().defaultPort == 5432)
        #expect(ConnectionConfiguration(backend: .sqlServer, port: 1500).effectivePort == 1500)
    }

    @Test func descriptionAndDumpNeverShowThePassword() {
        let configuration = ConnectionConfiguration(
            backend: .sqlServer, host: "h", port: 1, instanceName: "i", database: "d", user: "u",
            password: "hunter2", tls: .require)
        #expect(
            configuration.description
                == "ConnectionConfiguration(backend=sqlServer host=h port=1 instance=i database=d user=u "
                + "password=******** tls=require)")
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        #expect(!"\(configuration.password as Any)".contains("hunter2"))
    }
}
