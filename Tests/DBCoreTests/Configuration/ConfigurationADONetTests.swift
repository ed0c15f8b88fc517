import DBCore
import Testing

@Suite("ConnectionConfiguration from ADO.NET connection strings")
struct ConfigurationADONetTests {
    static let azureSQL =
        "Server=tcp:myserver.database.windows.net,1433;Initial Catalog=mydb;Persist Security Info=False;"
        + "User ID=myuser;Password=mypassword;MultipleActiveResultSets=False;Encrypt=True;"
        + "TrustServerCertificate=False;Connection Timeout=30;"

    static let azurePostgres =
        "Server=mydemoserver.postgres.database.azure.com;Database=postgres;Port=5432;"
        + "User Id=mylogin@mydemoserver;Password=myPa55;Ssl Mode=Require;"

    @Test func azurePortalSQLServerString() throws {
        let configuration = try ConnectionConfiguration(connectionString: Self.azureSQL)
        #expect(configuration.backend == .sqlServer)
        #expect(configuration.host == "myserver.database.windows.net")
        #expect(configuration.port == 1433)
        #expect(configuration.instanceName == nil)
        #expect(configuration.database == "mydb")
        #expect(configuration.user == "myuser")
        #expect(configuration.tls == .verifyFull)
        #expect(configuration.connectTimeout == 30)
        // Persist Security Info=False and MultipleActiveResultSets=False are what the driver does: accepted, no option.
        #expect(configuration.options.isEmpty)
        expectDescriptionHidesPassword(configuration, "mypassword")
    }

    @Test func azurePortalPostgresString() throws {
        let configuration = try ConnectionConfiguration(connectionString: Self.azurePostgres)
        #expect(configuration.backend == .postgresql)
        #expect(configuration.host == "mydemoserver.postgres.database.azure.com")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "postgres")
        #expect(configuration.user == "mylogin@mydemoserver")
        #expect(configuration.tls == .require)
        expectDescriptionHidesPassword(configuration, "myPa55")
    }

    @Test func encryptAndTrustServerCertificate() throws {
        func tls(_ text: String) throws -> TLSMode { try ConnectionConfiguration(connectionString: text).tls }
        #expect(try tls("Server=h;Encrypt=True;TrustServerCertificate=True") == .require)
        #expect(try tls("Server=h;Encrypt=yes;TrustServerCertificate=no") == .verifyFull)
        #expect(try tls("Server=h;Encrypt=Mandatory") == .verifyFull)
        #expect(try tls("Server=h;Encrypt=Strict;TrustServerCertificate=True") == .verifyFull)
        #expect(try tls("Server=h;Encrypt=False;TrustServerCertificate=True") == .prefer)
        #expect(try tls("Server=h;Encrypt=Optional") == .prefer)
        #expect(try tls("Server=h;Database=d") == .prefer)
        #expect(try tls("Host=h;SslMode=VerifyFull") == .verifyFull)
        #expect(try tls("Host=h;Ssl Mode=VerifyCA") == .verifyCA)
        #expect(try tls("Host=h;SSL MODE=disable") == .disable)
        #expect(try tls("Host=h;Ssl Mode=VerifyFull;Trust Server Certificate=true") == .require)
    }

    @Test func synonymsAndCase() throws {
        let configuration = try ConnectionConfiguration(
            connectionString: "data source=db1\\SQLEXPRESS;DATABASE=d;uid=u;PWD=Zq7;connect timeout=5;App=tool;"
                + "Command Timeout=60")
        #expect(configuration.backend == .sqlServer)
        #expect(configuration.host == "db1")
        #expect(configuration.instanceName == "SQLEXPRESS")
        #expect(configuration.database == "d")
        #expect(configuration.user == "u")
        #expect(configuration.connectTimeout == 5)
        #expect(configuration.queryTimeout == 60)
        #expect(configuration.applicationName == "tool")
        expectDescriptionHidesPassword(configuration, "Zq7")
        let addr = try ConnectionConfiguration(connectionString: "Addr=(local);User=me;Application Name=x;Timeout=3")
        #expect(addr.host == "localhost")
        #expect(addr.user == "me")
        #expect(addr.applicationName == "x")
        #expect(addr.connectTimeout == 3)
        let npgsql = try ConnectionConfiguration(connectionString: "Host=pg;Username=me;Root Certificate=/ca.pem")
        #expect(npgsql.backend == .postgresql)
        #expect(npgsql.user == "me")
        #expect(npgsql.tlsRootCertificatePath == "/ca.pem")
    }

    @Test func backendDetection() throws {
        #expect(
            try ConnectionConfiguration(connectionString: "Server=h;Database=d;User Id=u;Password=p").backend == nil)
        #expect(try ConnectionConfiguration(connectionString: "Server=tcp:h;Database=d").backend == .sqlServer)
        #expect(try ConnectionConfiguration(connectionString: "Server=h,1444;Database=d").backend == .sqlServer)
        #expect(try ConnectionConfiguration(connectionString: "Server=h\\inst;Database=d").backend == .sqlServer)
        #expect(try ConnectionConfiguration(connectionString: "Server=h;Port=5432").backend == .postgresql)
        expectInvalidConfiguration(mentioning: ["mixes", "'Initial Catalog'", "'Ssl Mode'"]) {
            try ConnectionConfiguration(connectionString: "Server=h;Initial Catalog=d;Ssl Mode=Require")
        }
    }

    @Test func quotedValues() throws {
        let configuration = try ConnectionConfiguration(
            connectionString: #"Server=h;Password="a;b""c";Application Name='it''s';User ID = " spaced " ;;"#)
        #expect(configuration.password?.revealed == #"a;b"c"#)
        #expect(configuration.applicationName == "it's")
        #expect(configuration.user == " spaced ")
        let equalsInKey = try ConnectionConfiguration(connectionString: "Server=h;Pwd=x=y")
        #expect(equalsInKey.password?.revealed == "x=y")
    }

    @Test func unknownKeysAreNamed() {
        expectInvalidConfiguration(mentioning: ["unknown key 'Initail Catalog'", "character 10"]) {
            try ConnectionConfiguration(connectionString: "Server=h;Initail Catalog=d;")
        }
        expectInvalidConfiguration(mentioning: ["missing '='", "'Database'"]) {
            try ConnectionConfiguration(connectionString: "Server=h;Database;")
        }
        expectInvalidConfiguration(mentioning: ["missing key", "character 10"]) {
            try ConnectionConfiguration(connectionString: "Server=h;=d")
        }
    }

    @Test func malformedValuesAreNamed() {
        expectInvalidConfiguration(mentioning: ["invalid port 'x'"]) {
            try ConnectionConfiguration(connectionString: "Server=tcp:h,x;Database=d")
        }
        expectInvalidConfiguration(mentioning: ["'Encrypt'", "'Sometimes'"]) {
            try ConnectionConfiguration(connectionString: "Server=h;Encrypt=Sometimes")
        }
        expectInvalidConfiguration(mentioning: ["'TrustServerCertificate'", "'maybe'"]) {
            try ConnectionConfiguration(connectionString: "Server=h;TrustServerCertificate=maybe")
        }
        expectInvalidConfiguration(mentioning: ["unknown Ssl Mode 'Required'"]) {
            try ConnectionConfiguration(connectionString: "Host=h;Ssl Mode=Required")
        }
        expectInvalidConfiguration(mentioning: ["'Connection Timeout'", "'thirty'"]) {
            try ConnectionConfiguration(connectionString: "Server=h;Connection Timeout=thirty")
        }
        expectInvalidConfiguration(mentioning: ["unsupported protocol 'np:'"]) {
            try ConnectionConfiguration(connectionString: "Server=np:h;Database=d")
        }
        expectInvalidConfiguration(mentioning: ["unterminated quoted value for key 'Application Name' at character 27"])
        {
            try ConnectionConfiguration(connectionString: "Server=h;Application Name='abc;Database=d")
        }
        expectInvalidConfiguration(mentioning: ["unexpected character 'x'", "'App'"]) {
            try ConnectionConfiguration(connectionString: "Server=h;App='a'x;")
        }
    }

    @Test func passwordsAreNeverEchoed() {
        expectInvalidConfiguration(mentioning: ["unterminated", "'Password'"], never: ["s3cret", "tail"]) {
            try ConnectionConfiguration(connectionString: #"Server=h;Password="s3cret;tail;Database=d"#)
        }
        expectInvalidConfiguration(mentioning: ["unexpected character", "'Password'"], never: ["s3cret", "tail"]) {
            try ConnectionConfiguration(connectionString: #"Server=h;Password="s3cret"tail;Database=d"#)
        }
        // An unquoted ';' in the password: the remainder is not echoed as a key.
        expectInvalidConfiguration(mentioning: ["after the password", "double quotes"], never: ["s3c", "ret"]) {
            try ConnectionConfiguration(connectionString: "Server=h;Password=s3c;ret;Database=d")
        }
        expectInvalidConfiguration(mentioning: ["unknown key after the password"], never: ["s3c", "r=et"]) {
            try ConnectionConfiguration(connectionString: "Server=h;Pwd=s3c;r=et;Database=d")
        }
    }
}
