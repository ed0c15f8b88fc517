import DBCore
import Testing

/// Every recognised key is honoured or refused, in every format: one test per key family.
@Suite("connection-string keys: honoured or refused")
struct ConfigurationKeyFamilyTests {
    private func adoNet(_ pairs: String) throws -> ConnectionConfiguration {
        try ConnectionConfiguration(connectionString: "Server=tcp:db.example.com,1433;User ID=u;Password=p;" + pairs)
    }

    private func refusal(_ body: () throws -> ConnectionConfiguration) -> DatabaseError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? DatabaseError
        }
    }

    @Test("ConnectRetryCount / ConnectRetryInterval set the retry policy (ADO.NET, URL, keyword string)")
    func retryKeys() throws {
        let configuration = try adoNet("ConnectRetryCount=3;ConnectRetryInterval=5")
        #expect(configuration.connectRetry == ConnectRetryPolicy(count: 3, interval: 5))
        #expect(try adoNet("").connectRetry == .default)
        let url = try ConnectionConfiguration(url: "sqlserver://h/db?connectRetryCount=0")
        #expect(url.connectRetry.count == 0)
        let pg = try ConnectionConfiguration(url: "postgresql://h/db?connect_retry_count=2&connect_retry_interval=1")
        #expect(pg.connectRetry == ConnectRetryPolicy(count: 2, interval: 1))
        let keywords = try ConnectionConfiguration(keywordString: "host=h connect_retry_count=4")
        #expect(keywords.connectRetry.count == 4)
        #expect(refusal { try adoNet("ConnectRetryCount=256") }?.message.contains("ConnectRetryCount") == true)
        #expect(refusal { try adoNet("ConnectRetryInterval=0") }?.kind == .invalidConfiguration)
    }

    @Test("Pooling, Max/Min Pool Size, Connection Lifetime, Load Balance Timeout set the pool's settings")
    func poolKeys() throws {
        let configuration = try adoNet("Max Pool Size=7;Min Pool Size=2;Connection Lifetime=60;Pooling=true")
        #expect(
            configuration.pooling == PoolingOptions(enabled: true, maximumSize: 7, minimumSize: 2, maximumLifetime: 60))
        let settings = configuration.pooling.applied(to: PoolConfiguration())
        #expect(settings.maximumSize == 7 && settings.minimumIdle == 2 && settings.maximumLifetime == 60)
        #expect(try adoNet("Load Balance Timeout=0").pooling.applied(to: PoolConfiguration()).maximumLifetime == nil)
        let off = try adoNet("Pooling=false").pooling.applied(to: PoolConfiguration())
        #expect(off.maximumLifetime == 0 && off.minimumIdle == 0)
        let npgsql = try ConnectionConfiguration(
            connectionString: "Host=h;Username=u;Maximum Pool Size=3;Connection Idle Lifetime=30")
        #expect(npgsql.pooling.maximumSize == 3 && npgsql.pooling.idleTimeout == 30)
        #expect(try ConnectionConfiguration(url: "sqlserver://h?maxPoolSize=5").pooling.maximumSize == 5)
        #expect(refusal { try adoNet("Max Pool Size=0") }?.kind == .invalidConfiguration)
    }

    @Test("ApplicationIntent sets the intent; an unknown value is refused")
    func intentKeys() throws {
        #expect(try adoNet("ApplicationIntent=ReadOnly").applicationIntent == .readOnly)
        #expect(try adoNet("Application Intent=ReadWrite").applicationIntent == .readWrite)
        #expect(
            try ConnectionConfiguration(url: "sqlserver://h?applicationIntent=readonly").applicationIntent == .readOnly)
        #expect(
            refusal { try adoNet("ApplicationIntent=Sometimes") }?.message.contains("ReadOnly or ReadWrite") == true)
    }

    @Test("Authentication maps to an Entra method; flows with no equivalent are refused with the reason")
    func authenticationKeys() throws {
        #expect(try adoNet("Authentication=Active Directory Default").authentication == .entraDefault)
        #expect(try adoNet("Authentication=Active Directory Managed Identity").authentication == .entraManagedIdentity)
        #expect(try adoNet("Authentication=Active Directory MSI").authentication == .entraManagedIdentity)
        #expect(
            try adoNet("Authentication=Active Directory Service Principal").authentication == .entraServicePrincipal)
        #expect(
            try adoNet("Authentication=Active Directory Workload Identity").authentication == .entraWorkloadIdentity)
        #expect(try adoNet("Authentication=SqlPassword").authentication == .password)
        #expect(refusal { try adoNet("Authentication=Active Directory Password") }?.message.contains("ROPC") == true)
        #expect(
            refusal { try adoNet("Authentication=Active Directory Interactive") }?.message.contains("interactive")
                == true)
    }

    @Test("keys whose default is what this driver does are accepted only with that value")
    func defaultOnlyKeys() throws {
        _ = try adoNet("Persist Security Info=False;MultipleActiveResultSets=False;Integrated Security=False")
        _ = try adoNet("MultiSubnetFailover=False;Enlist=False;Column Encryption Setting=Disabled")
        for pair in [
            "Persist Security Info=True", "MultipleActiveResultSets=True", "Integrated Security=SSPI",
            "Trusted_Connection=Yes", "MultiSubnetFailover=True", "Enlist=True", "Column Encryption Setting=Enabled",
        ] {
            let key = String(pair.prefix(while: { $0 != "=" }))
            let error = refusal { try adoNet(pair) }
            #expect(error?.kind == .invalidConfiguration, "\(pair)")
            #expect(error?.message.contains("the key '\(key)' is not supported") == true, "\(pair)")
        }
    }

    @Test("SQL Server login keys go where DB-Library reads them; unsupported ones are refused")
    func sqlServerLoginKeys() throws {
        let configuration = try adoNet("Packet Size=8192;Workstation ID=ws1;Current Language=us_english")
        #expect(configuration.options == ["packet_size": "8192", "workstation_id": "ws1", "language": "us_english"])
        #expect(refusal { try adoNet("Packet Size=100") }?.kind == .invalidConfiguration)
        for pair in [
            "Failover Partner=mirror", "Transparent Network IP Resolution=False", "User Instance=True",
            "AttachDbFilename=x.mdf", "Network Library=dbmssocn", "Type System Version=Latest",
        ] {
            #expect(refusal { try adoNet(pair) }?.message.contains("is not supported") == true, "\(pair)")
        }
    }

    @Test("Npgsql keys with a libpq equivalent become libpq keywords; the rest are refused")
    func npgsqlKeys() throws {
        let configuration = try ConnectionConfiguration(
            connectionString: "Host=h;Username=u;Search Path=app schema;Keepalive=30;Tcp Keepalive=true;"
                + "SSL Certificate=/c.pem;SSL Key=/k.pem;Target Session Attributes=PreferStandby;Passfile=/p;"
                + "Kerberos Service Name=pg;Channel Binding=Require;Encoding=UTF8")
        #expect(configuration.options["options"] == "-c search_path=app\\ schema")
        #expect(configuration.options["keepalives_idle"] == "30")
        #expect(configuration.options["keepalives"] == "1")
        #expect(configuration.options["sslcert"] == "/c.pem" && configuration.options["sslkey"] == "/k.pem")
        #expect(configuration.options["target_session_attrs"] == "prefer-standby")
        #expect(configuration.options["passfile"] == "/p" && configuration.options["krbsrvname"] == "pg")
        #expect(configuration.options["channel_binding"] == "require")
        for pair in [
            "Timezone=Europe/Paris", "Encoding=LATIN1", "Multiplexing=true",
            "Include Error Detail=true", "Load Balance Hosts=true",
        ] {
            #expect(
                refusal { try ConnectionConfiguration(connectionString: "Host=h;Username=u;" + pair) }?.message
                    .contains("is not supported") == true, "\(pair)")
        }
    }

    @Test("the statement-cache keys: Npgsql's auto-prepare keys and psycopg's names in URLs and keyword strings")
    func statementCacheKeys() throws {
        let npgsql = try ConnectionConfiguration(
            connectionString: "Host=h;Username=u;Max Auto Prepare=20;Auto Prepare Min Usages=2")
        #expect(npgsql.options["prepared_max"] == "20" && npgsql.options["prepare_threshold"] == "2")
        let off = try ConnectionConfiguration(connectionString: "Host=h;Username=u;Max Auto Prepare=0")
        #expect(off.options["prepare_threshold"] == "none")
        #expect(try StatementCacheSettings(options: off.options).threshold == nil)
        let refused = refusal { try ConnectionConfiguration(connectionString: "Host=h;Username=u;Max Auto Prepare=x") }
        #expect(refused?.message.contains("Max Auto Prepare") == true)
        let url = try ConnectionConfiguration(url: "postgresql://h/db?prepare_threshold=0&prepared_max=7")
        #expect(url.options["prepare_threshold"] == "0" && url.options["prepared_max"] == "7")
        let keyword = try ConnectionConfiguration(keywordString: "host=h prepare_threshold=none")
        #expect(keyword.options["prepare_threshold"] == "none")
    }

    @Test("URLs and keyword strings refuse keys libpq does not know, naming them")
    func unknownKeys() throws {
        let keyword = refusal { try ConnectionConfiguration(keywordString: "host=h pooling=true") }
        #expect(keyword?.message.contains("unknown key 'pooling'") == true)
        let url = refusal { try ConnectionConfiguration(url: "postgresql://h/db?Pooling=true") }
        #expect(url?.message.contains("'Pooling'") == true)
        let sqlServer = refusal { try ConnectionConfiguration(url: "sqlserver://h/db?colour=blue") }
        #expect(sqlServer?.message.contains("'colour'") == true)
        let options = try ConnectionConfiguration(keywordString: "host=h target_session_attrs=read-only keepalives=1")
        #expect(options.options == ["target_session_attrs": "read-only", "keepalives": "1"])
        #expect(try ConnectionConfiguration(url: "sqlserver://h?tds_version=7.3").options["tds_version"] == "7.3")
    }
}
