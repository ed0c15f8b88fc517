import DBAzureIdentity
import DBCore
import Foundation
import TestSupport
import Testing

@Suite("Entra ID credentials against loopback endpoints")
struct CredentialTests {
    static let scope = EntraScope.azurePostgreSQL

    @Test("client secret: a form-encoded client credentials POST to {authority}/{tenant}/oauth2/v2.0/token; cached")
    func clientSecret() async throws {
        let issued = FakeTokens.make("client-secret")
        let server = try LoopbackHTTPServer { _ in FakeTokens.response(issued) }
        defer { server.stop() }
        let credential = ClientSecretCredential(
            tenantID: "tenant-1", clientID: "app-1", clientSecret: Secret("s3cr3t-value"),
            environment: ["AZURE_AUTHORITY_HOST": server.baseURL])
        let token = try await credential.token(for: [Self.scope])
        #expect(token.token == Secret(issued))
        #expect(token.expiresOn.timeIntervalSinceNow > 3000)
        _ = try await credential.token(for: [Self.scope])  // from the cache
        let requests = server.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/tenant-1/oauth2/v2.0/token")
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(
            request.form == [
                "client_id": "app-1", "client_secret": "s3cr3t-value", "scope": Self.scope,
                "grant_type": "client_credentials",
            ])
        #expect(!"\(token)".contains(issued))
        #expect(!String(reflecting: token).contains(issued))
    }

    @Test("client secret: a rejected secret is an authenticationFailed error that shows neither secret nor body")
    func clientSecretRejected() async throws {
        let server = try LoopbackHTTPServer { _ in
            (401, #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#)
        }
        defer { server.stop() }
        let credential = ClientSecretCredential(
            tenantID: "tenant-1", clientID: "app-1", clientSecret: Secret("wrong-secret-value"),
            authorityHost: URL(string: server.baseURL)!)
        do {
            _ = try await credential.token(for: [Self.scope])
            Issue.record("expected an error")
        } catch let error as TokenCredentialError {
            #expect(error.reason == .authenticationFailed)
            #expect(error.description.contains("invalid_client"))
            #expect(error.description.contains("AADSTS7000215"))
            #expect(!error.description.contains("wrong-secret-value"))
        }
    }

    @Test("workload identity: the federated token file's JWT goes as a jwt-bearer client assertion")
    func workloadIdentity() async throws {
        let issued = FakeTokens.make("workload")
        let server = try LoopbackHTTPServer { _ in FakeTokens.response(issued) }
        defer { server.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fed-\(UUID().uuidString).jwt")
        try "eyJhbGciOiJSUzI1NiJ9.federated.signature\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let credential = try #require(
            WorkloadIdentityCredential.fromEnvironment([
                "AZURE_TENANT_ID": "tenant-2", "AZURE_CLIENT_ID": "app-2", "AZURE_FEDERATED_TOKEN_FILE": file.path,
                "AZURE_AUTHORITY_HOST": server.baseURL,
            ]))
        let token = try await credential.token(for: [Self.scope])
        #expect(token.token == Secret(issued))
        let request = try #require(server.requests.first)
        #expect(request.path == "/tenant-2/oauth2/v2.0/token")
        #expect(
            request.form == [
                "client_id": "app-2", "scope": Self.scope, "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": "eyJhbGciOiJSUzI1NiJ9.federated.signature",
            ])
    }

    @Test("managed identity on App Service: IDENTITY_ENDPOINT with X-IDENTITY-HEADER, api-version 2019-08-01")
    func managedIdentityAppService() async throws {
        let issued = FakeTokens.make("app-service")
        let expiresOn = Int(Date().timeIntervalSince1970) + 3600
        let server = try LoopbackHTTPServer { _ in
            (200, #"{"access_token":"\#(issued)","expires_on":"\#(expiresOn)","resource":"x","token_type":"Bearer"}"#)
        }
        defer { server.stop() }
        let credential = ManagedIdentityCredential(environment: [
            "IDENTITY_ENDPOINT": server.baseURL + "/msi/token", "IDENTITY_HEADER": "header-value",
        ])
        let token = try await credential.token(for: [Self.scope])
        #expect(token.token == Secret(issued))
        #expect(Int(token.expiresOn.timeIntervalSince1970) == expiresOn)
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/msi/token")
        #expect(request.headers["x-identity-header"] == "header-value")
        #expect(request.query["api-version"] == "2019-08-01")
        #expect(request.query["resource"] == "https://ossrdbms-aad.database.windows.net")
    }

    @Test("managed identity on a VM: IMDS with Metadata: true, api-version 2018-02-01, at an overridden endpoint")
    func managedIdentityIMDS() async throws {
        let issued = FakeTokens.make("imds")
        let server = try LoopbackHTTPServer { _ in FakeTokens.response(issued) }
        defer { server.stop() }
        let credential = ManagedIdentityCredential(
            clientID: "user-assigned-1", environment: [:],
            imdsEndpoint: URL(string: server.baseURL + "/metadata/identity/oauth2/token")!)
        let token = try await credential.token(for: [EntraScope.azureSQL])
        #expect(token.token == Secret(issued))
        let request = try #require(server.requests.first)
        #expect(request.path == "/metadata/identity/oauth2/token")
        #expect(request.headers["metadata"] == "true")
        #expect(request.query["api-version"] == "2018-02-01")
        #expect(request.query["resource"] == "https://database.windows.net")
        #expect(request.query["client_id"] == "user-assigned-1")
    }

    @Test("Azure CLI: runs az account get-access-token --resource … -o json from the given PATH")
    func azureCLI() async throws {
        let issued = FakeTokens.make("cli")
        let cli = try FakeAzureCLI(token: issued)
        defer { cli.remove() }
        let credential = AzureCLICredential(environment: cli.environment)
        let token = try await credential.token(for: [Self.scope])
        #expect(token.token == Secret(issued))
        #expect(Int(token.expiresOn.timeIntervalSince1970) == cli.expiresOn)
        #expect(
            cli.arguments == [
                "account", "get-access-token", "--resource", "https://ossrdbms-aad.database.windows.net", "-o", "json",
            ])
    }

    @Test("Azure CLI: older output with only expiresOn in local time")
    func azureCLIOlderOutput() throws {
        let json = #"{"accessToken":"abc","expiresOn":"2030-01-02 03:04:05.000000","tokenType":"Bearer"}"#
        let token = try AzureCLICredential.parse(Data(json.utf8))
        var components = DateComponents()
        (components.year, components.month, components.day) = (2030, 1, 2)
        (components.hour, components.minute, components.second) = (3, 4, 5)
        components.timeZone = TimeZone.current
        #expect(token.expiresOn == Calendar(identifier: .gregorian).date(from: components))
    }

    @Test("Azure CLI: a failing az is reported with its message; no az on the PATH is 'unavailable'")
    func azureCLIFailures() async throws {
        let cli = try FakeAzureCLI(token: nil)
        defer { cli.remove() }
        do {
            _ = try await AzureCLICredential(environment: cli.environment).token(for: [Self.scope])
            Issue.record("expected an error")
        } catch let error as TokenCredentialError {
            #expect(error.reason == .unavailable)
            #expect(error.message.contains("az login"))
        }
        do {
            _ = try await AzureCLICredential(environment: ["PATH": "/nonexistent"]).token(for: [Self.scope])
            Issue.record("expected an error")
        } catch let error as TokenCredentialError {
            #expect(error.reason == .unavailable)
            #expect(error.message.contains("not on the PATH"))
        }
    }

    @Test("a cached token is refreshed once it is within the refresh margin of its expiry")
    func refreshAheadOfExpiry() async throws {
        let tokens = [FakeTokens.make("first"), FakeTokens.make("second")]
        let counter = Box(0)
        let server = try LoopbackHTTPServer { _ in
            FakeTokens.response(
                tokens[
                    counter.withLock { value in
                        defer { value += 1 }
                        return Swift.min(value, 1)
                    }])
        }
        defer { server.stop() }
        let now = Box(Date())
        let credential = ClientSecretCredential(
            tenantID: "t", clientID: "c", clientSecret: Secret("s"), authorityHost: URL(string: server.baseURL)!,
            clock: { now.withLock { $0 } })
        #expect(try await credential.token(for: [Self.scope]).token == Secret(tokens[0]))
        now.withLock { $0 = $0.addingTimeInterval(3600 - 600) }  // 10 minutes left: still fine
        #expect(try await credential.token(for: [Self.scope]).token == Secret(tokens[0]))
        now.withLock { $0 = $0.addingTimeInterval(400) }  // under 5 minutes left: refresh
        #expect(try await credential.token(for: [Self.scope]).token == Secret(tokens[1]))
        #expect(server.requests.count == 2)
    }

    @Test("the default chain tries client secret, workload identity, managed identity, then Azure CLI")
    func defaultChainOrder() async throws {
        let secretToken = FakeTokens.make("chain-secret"), identityToken = FakeTokens.make("chain-msi")
        let cliToken = FakeTokens.make("chain-cli")
        let entra = try LoopbackHTTPServer { _ in FakeTokens.response(secretToken) }
        let identity = try LoopbackHTTPServer { _ in FakeTokens.response(identityToken) }
        defer {
            entra.stop()
            identity.stop()
        }
        let closed = try LoopbackHTTPServer { _ in (500, "{}") }
        closed.stop()  // nothing listens here any more: IMDS is "not on Azure"
        let imds = URL(string: closed.baseURL + "/metadata/identity/oauth2/token")!
        let cli = try FakeAzureCLI(token: cliToken)
        defer { cli.remove() }

        var environment = cli.environment
        environment["AZURE_TENANT_ID"] = "tenant"
        environment["AZURE_CLIENT_ID"] = "client"
        environment["AZURE_CLIENT_SECRET"] = "secret"
        environment["AZURE_AUTHORITY_HOST"] = entra.baseURL
        environment["IDENTITY_ENDPOINT"] = identity.baseURL + "/msi/token"
        environment["IDENTITY_HEADER"] = "h"
        let all = DefaultAzureCredential(environment: environment, imdsEndpoint: imds)
        #expect(
            all.credentialNames == [
                "ClientSecretCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential",
                "AzureCLICredential",
            ])
        #expect(try await all.token(for: [Self.scope]).token == Secret(secretToken))

        environment["AZURE_CLIENT_SECRET"] = nil
        let noSecret = DefaultAzureCredential(environment: environment, imdsEndpoint: imds)
        #expect(try await noSecret.token(for: [Self.scope]).token == Secret(identityToken))

        environment["IDENTITY_ENDPOINT"] = nil
        let cliOnly = DefaultAzureCredential(environment: environment, imdsEndpoint: imds)
        #expect(try await cliOnly.token(for: [Self.scope]).token == Secret(cliToken))
    }

    @Test("the default chain reports every failure, in order, when nothing works")
    func defaultChainCombinedError() async throws {
        let closed = try LoopbackHTTPServer { _ in (500, "{}") }
        closed.stop()
        let chain = DefaultAzureCredential(
            environment: ["PATH": "/nonexistent"],
            imdsEndpoint: URL(string: closed.baseURL + "/metadata/identity/oauth2/token")!)
        do {
            _ = try await chain.token(for: [Self.scope])
            Issue.record("expected an error")
        } catch let error as TokenCredentialError {
            #expect(error.credential == "DefaultAzureCredential")
            #expect(
                error.failures.map(\.credential) == [
                    "ClientSecretCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential",
                    "AzureCLICredential",
                ])
            #expect(error.failures.allSatisfy { $0.reason == .unavailable })
            #expect(error.description.contains("AZURE_CLIENT_SECRET"))
            #expect(error.description.contains("not on the PATH"))
            #expect(error.description.contains("127.0.0.1"))
        }
    }
}

/// A fake `az` script in a directory of its own; `environment` puts it first on the PATH.
struct FakeAzureCLI {
    let directory: URL
    let expiresOn = Int(Date().timeIntervalSince1970) + 3600

    init(token: String?) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-az-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let body =
            token.map {
                #"printf '%s' '{"accessToken":"\#($0)","expiresOn":"2000-01-01 00:00:00.000000","expires_on":\#(expiresOn),"tokenType":"Bearer"}'"#
            } ?? "echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1"
        let script = "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > \"\(directory.path)/args\"\n\(body)\n"
        let path = directory.appendingPathComponent("az").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    var environment: [String: String] { ["PATH": directory.path + ":/usr/bin:/bin"] }

    var arguments: [String] {
        let text = (try? String(contentsOfFile: directory.appendingPathComponent("args").path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
