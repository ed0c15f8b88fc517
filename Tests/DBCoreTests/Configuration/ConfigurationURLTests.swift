import DBCore
import Testing

@Suite("ConnectionConfiguration from URLs")
struct ConfigurationURLTests {
    @Test func quickstartPostgresURI() throws {
        // The quickstart builds: postgresql://{quote(user)}:{password}@{host}/{dbname}?sslmode={sslmode}
        let configuration = try ConnectionConfiguration(
            url: "postgresql://mylogin%40mydemoserver:s3cr%3At@mydemoserver.postgres.database.azure.com/postgres"
                + "?sslmode=require")
        #expect(configuration.backend == .postgresql)
        #expect(configuration.user == "mylogin@mydemoserver")
        #expect(configuration.host == "mydemoserver.postgres.database.azure.com")
        #expect(configuration.port == nil)
        #expect(configuration.effectivePort == 5432)
        #expect(configuration.database == "postgres")
        #expect(configuration.tls == .require)
        expectDescriptionHidesPassword(configuration, "s3cr:t")
    }

    @Test func everyPostgresQueryKey() throws {
        let configuration = try ConnectionConfiguration(
            url: "postgres://u@h:6543/db?sslmode=verify-full&connect_timeout=10&application_name=my%20app"
                + "&sslrootcert=/etc/ssl/root.crt&target_session_attrs=read-write&options=-c%20search_path%3Dx")
        #expect(configuration.backend == .postgresql)
        #expect(configuration.port == 6543)
        #expect(configuration.tls == .verifyFull)
        #expect(configuration.connectTimeout == 10)
        #expect(configuration.applicationName == "my app")
        #expect(configuration.tlsRootCertificatePath == "/etc/ssl/root.crt")
        #expect(configuration.options == ["target_session_attrs": "read-write", "options": "-c search_path=x"])
        #expect(configuration.password == nil)
    }

    @Test func ipv6HostsInBrackets() throws {
        let withPort = try ConnectionConfiguration(url: "postgresql://[::1]:5433/db")
        #expect(withPort.host == "::1")
        #expect(withPort.port == 5433)
        let withoutPort = try ConnectionConfiguration(url: "postgresql://user@[2001:db8::1234]/db")
        #expect(withoutPort.host == "2001:db8::1234")
        #expect(withoutPort.port == nil)
        #expect(withoutPort.user == "user")
    }

    @Test func minimalAndQueryOnlyForms() throws {
        let empty = try ConnectionConfiguration(url: "postgresql://")
        #expect(empty.host == "localhost")
        #expect(empty.database == nil)
        let queryOnly = try ConnectionConfiguration(
            url: "postgresql:///mydb?host=db.local&port=5999&user=me&password=pw")
        #expect(queryOnly.host == "db.local")
        #expect(queryOnly.port == 5999)
        #expect(queryOnly.database == "mydb")
        #expect(queryOnly.user == "me")
        expectDescriptionHidesPassword(queryOnly, "pw")
        let dbname = try ConnectionConfiguration(url: "POSTGRESQL://h?dbname=other")
        #expect(dbname.database == "other")
    }

    @Test func passwordWithReservedCharacters() throws {
        // An unencoded '@' in the password still works: the host starts after the last '@'.
        let configuration = try ConnectionConfiguration(url: "postgresql://me:p@ss:w%2Fd@host/db")
        #expect(configuration.user == "me")
        #expect(configuration.host == "host")
        expectDescriptionHidesPassword(configuration, "p@ss:w/d")
        let utf8 = try ConnectionConfiguration(url: "postgresql://J%C3%BCrgen@host/caf%C3%A9")
        #expect(utf8.user == "Jürgen")
        #expect(utf8.database == "café")
    }

    @Test func sqlServerURL() throws {
        let configuration = try ConnectionConfiguration(
            url: "sqlserver://sa:Str0ng%21@myserver.database.windows.net:1433/inventory"
                + "?encrypt=true&trustServerCertificate=false&applicationName=inv&connectTimeout=30&tds_version=7.4")
        #expect(configuration.backend == .sqlServer)
        #expect(configuration.host == "myserver.database.windows.net")
        #expect(configuration.port == 1433)
        #expect(configuration.database == "inventory")
        #expect(configuration.user == "sa")
        #expect(configuration.tls == .verifyFull)
        #expect(configuration.applicationName == "inv")
        #expect(configuration.connectTimeout == 30)
        #expect(configuration.options == ["tds_version": "7.4"])
        expectDescriptionHidesPassword(configuration, "Str0ng!")
    }

    @Test func sqlServerTLSMapping() throws {
        let trusting = try ConnectionConfiguration(url: "mssql://h?encrypt=true&trustServerCertificate=true")
        #expect(trusting.backend == .sqlServer)
        #expect(trusting.tls == .require)
        #expect(try ConnectionConfiguration(url: "mssql://h?encrypt=false").tls == .prefer)
        #expect(try ConnectionConfiguration(url: "mssql://h?Encrypt=Optional").tls == .prefer)
        #expect(
            try ConnectionConfiguration(url: "mssql://h?encrypt=strict&trustServerCertificate=true").tls == .verifyFull)
        #expect(try ConnectionConfiguration(url: "mssql://h").tls == .prefer)
        #expect(try ConnectionConfiguration(url: "mssql://h").effectivePort == 1433)
    }

    @Test func sqlServerNamedInstances() throws {
        let encoded = try ConnectionConfiguration(url: "sqlserver://host%5CSQLEXPRESS/db")
        #expect(encoded.host == "host")
        #expect(encoded.instanceName == "SQLEXPRESS")
        let queried = try ConnectionConfiguration(url: "sqlserver://host?instance=SQLEXPRESS&database=db")
        #expect(queried.host == "host")
        #expect(queried.instanceName == "SQLEXPRESS")
        #expect(queried.database == "db")
    }

    @Test func badPortsAreNamed() {
        expectInvalidConfiguration(mentioning: ["invalid port 'abc' in URL"]) {
            try ConnectionConfiguration(url: "postgresql://host:abc/db")
        }
        expectInvalidConfiguration(mentioning: ["invalid port '70000'"]) {
            try ConnectionConfiguration(url: "postgresql://host:70000/db")
        }
        expectInvalidConfiguration(mentioning: ["invalid port '0'"]) {
            try ConnectionConfiguration(url: "sqlserver://host?port=0")
        }
    }

    @Test func malformedURLsNameTheProblem() {
        expectInvalidConfiguration(mentioning: ["unsupported URL scheme 'mysql'"]) {
            try ConnectionConfiguration(url: "mysql://host/db")
        }
        expectInvalidConfiguration(mentioning: ["not a URL"]) { try ConnectionConfiguration(url: "host=x") }
        expectInvalidConfiguration(mentioning: ["'%zz'", "character 19", "database name"]) {
            try ConnectionConfiguration(url: "postgresql://host/%zz")
        }
        expectInvalidConfiguration(mentioning: ["unterminated IPv6", "character 14"]) {
            try ConnectionConfiguration(url: "postgresql://[::1/db")
        }
        expectInvalidConfiguration(mentioning: ["':'", "brackets"]) {
            try ConnectionConfiguration(url: "postgresql://::1/db")
        }
        expectInvalidConfiguration(mentioning: ["multiple hosts"]) {
            try ConnectionConfiguration(url: "postgresql://h1,h2/db")
        }
        expectInvalidConfiguration(mentioning: ["unknown sslmode 'required'"]) {
            try ConnectionConfiguration(url: "postgresql://h/db?sslmode=required")
        }
        expectInvalidConfiguration(mentioning: ["query parameter 'sslmode'", "no '=value'"]) {
            try ConnectionConfiguration(url: "postgresql://h/db?sslmode")
        }
        expectInvalidConfiguration(mentioning: ["connect_timeout", "'soon'"]) {
            try ConnectionConfiguration(url: "postgresql://h/db?connect_timeout=soon")
        }
        expectInvalidConfiguration(mentioning: ["encrypt", "'maybe'"]) {
            try ConnectionConfiguration(url: "sqlserver://h?encrypt=maybe")
        }
        expectInvalidConfiguration(mentioning: ["not valid UTF-8"]) {
            try ConnectionConfiguration(url: "postgresql://h/%FF")
        }
    }

    @Test func malformedPasswordsAreNeverEchoed() {
        expectInvalidConfiguration(mentioning: ["password", "character 23"], never: ["hunter", "%zz"]) {
            try ConnectionConfiguration(url: "postgresql://me:hunter%zz@host/db")
        }
        expectInvalidConfiguration(mentioning: ["password"], never: ["hunter"]) {
            try ConnectionConfiguration(url: "postgresql://host/db?password=hunter%2")
        }
    }
}
