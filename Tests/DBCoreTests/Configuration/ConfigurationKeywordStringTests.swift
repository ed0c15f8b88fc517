import DBCore
import Testing

@Suite("ConnectionConfiguration from libpq keyword strings")
struct ConfigurationKeywordStringTests {
    @Test func quickstartKeywordString() throws {
        // The quickstart builds: f"host={dbhost} dbname={dbname} user={dbuser} password={password} sslmode={sslmode}"
        let configuration = try ConnectionConfiguration(
            keywordString: "host=mydemoserver.postgres.database.azure.com dbname=postgres "
                + "user=mylogin@mydemoserver password=Pa55word sslmode=require")
        #expect(configuration.backend == .postgresql)
        #expect(configuration.host == "mydemoserver.postgres.database.azure.com")
        #expect(configuration.database == "postgres")
        #expect(configuration.user == "mylogin@mydemoserver")
        #expect(configuration.tls == .require)
        expectDescriptionHidesPassword(configuration, "Pa55word")
    }

    @Test func quotingAndEscapes() throws {
        let configuration = try ConnectionConfiguration(
            keywordString: #"host=h port=5432 dbname=d user=u password='p w\'x' sslmode=require"#)
        #expect(configuration.port == 5432)
        expectDescriptionHidesPassword(configuration, "p w'x")
        let spaced = try ConnectionConfiguration(keywordString: #"  host = h   dbname =  'my db'  user=a\ b  "#)
        #expect(spaced.host == "h")
        #expect(spaced.database == "my db")
        #expect(spaced.user == "a b")
        let backslash = try ConnectionConfiguration(keywordString: #"password='a\\b' application_name='' "#)
        #expect(backslash.password?.revealed == #"a\b"#)
        #expect(backslash.applicationName == "")
        let tabs = try ConnectionConfiguration(keywordString: "host=h\tport=1\ndbname=x")
        #expect(tabs.port == 1)
        #expect(tabs.database == "x")
    }

    @Test func everyMappedKeyAndOptions() throws {
        let configuration = try ConnectionConfiguration(
            keywordString: "hostaddr=10.0.0.5 port=6000 dbname=d user=u sslmode=verify-ca sslrootcert=/r.crt "
                + "connect_timeout=7 application_name=app target_session_attrs=any keepalives=1")
        #expect(configuration.host == "10.0.0.5")
        #expect(configuration.port == 6000)
        #expect(configuration.tls == .verifyCA)
        #expect(configuration.tlsRootCertificatePath == "/r.crt")
        #expect(configuration.connectTimeout == 7)
        #expect(configuration.applicationName == "app")
        #expect(
            configuration.options == ["hostaddr": "10.0.0.5", "target_session_attrs": "any", "keepalives": "1"])
        let both = try ConnectionConfiguration(keywordString: "host=db.example.com hostaddr=10.0.0.5")
        #expect(both.host == "db.example.com")
        #expect(both.options["hostaddr"] == "10.0.0.5")
    }

    @Test func laterKeysWin() throws {
        let configuration = try ConnectionConfiguration(keywordString: "port=1 port=2")
        #expect(configuration.port == 2)
        #expect(try ConnectionConfiguration(keywordString: "").host == "localhost")
    }

    @Test func malformedStringsNameKeyAndPosition() {
        expectInvalidConfiguration(mentioning: ["unterminated quoted value for key 'password' at character 33"]) {
            try ConnectionConfiguration(keywordString: "host=h dbname=d user=u password='abc def")
        }
        expectInvalidConfiguration(mentioning: ["missing '='", "'dbname'", "character 8"]) {
            try ConnectionConfiguration(keywordString: "host=h dbname")
        }
        expectInvalidConfiguration(mentioning: ["missing key", "character 1"]) {
            try ConnectionConfiguration(keywordString: "=x")
        }
        expectInvalidConfiguration(mentioning: ["invalid port 'abc'"]) {
            try ConnectionConfiguration(keywordString: "host=h port=abc")
        }
        expectInvalidConfiguration(mentioning: ["unknown sslmode 'required'"]) {
            try ConnectionConfiguration(keywordString: "sslmode=required")
        }
        expectInvalidConfiguration(mentioning: ["connect_timeout", "'-1'"]) {
            try ConnectionConfiguration(keywordString: "connect_timeout=-1")
        }
    }

    @Test func passwordsAreNeverEchoed() {
        // The quoted password is never closed: the message names the key, not the text.
        expectInvalidConfiguration(mentioning: ["password"], never: ["s3cret", "tail"]) {
            try ConnectionConfiguration(keywordString: "user=u password='s3cret tail")
        }
        // An unquoted password with a space: the second word is not a key, and it is not echoed.
        expectInvalidConfiguration(mentioning: ["missing '='", "quote a password"], never: ["s3cret", "tail"]) {
            try ConnectionConfiguration(keywordString: "user=u password=s3cret tail dbname=d")
        }
    }
}
