import DBCore
import Testing

@Suite("Entra sign-in check: an Authentication= key needs a credential")
struct EntraSignInCheckTests {
    @Test("user and password, or no Authentication key, pass")
    func passwordPasses() throws {
        var configuration = ConnectionConfiguration(host: "db.example.com", user: "u")
        try configuration.checkEntraSignInResolved()
        configuration.authentication = .password
        try configuration.checkEntraSignInResolved()
    }

    @Test(
        "each Entra method fails with invalidConfiguration naming the key and DBAzureIdentity",
        arguments: [
            ("Active Directory Default", AuthenticationMethod.entraDefault),
            ("Active Directory Managed Identity", .entraManagedIdentity),
            ("Active Directory Service Principal", .entraServicePrincipal),
            ("Active Directory Workload Identity", .entraWorkloadIdentity),
        ])
    func entraFails(name: String, method: AuthenticationMethod) throws {
        let configuration = try ConnectionConfiguration(
            connectionString: "Server=db.example.com;User ID=u;Password=secret-text;Authentication=\(name)")
        #expect(configuration.authentication == method)
        do {
            try configuration.checkEntraSignInResolved()
            Issue.record("expected an error")
        } catch let error as DatabaseError {
            #expect(error.kind == .invalidConfiguration)
            #expect(error.message.contains("Authentication=\(name)"))
            #expect(error.message.contains("import DBAzureIdentity"))
            #expect(!error.message.contains("secret-text"))
        }
    }
}
