import DBCore
import Synchronization

/// The credentials `ConnectionConfiguration.configuredCredential(environment:)` has made, one per method, password
/// and environment, so that asking again gives the same object (its token cache, and one pool in `ConnectionPools`).
enum ConfiguredCredentials {
    /// What a configured credential depends on. The password is a `Secret`; the key never prints.
    private struct Key: Hashable {
        let method: AuthenticationMethod
        let password: Secret?
        let environment: [String: String]
    }

    private static let made = Mutex<[Key: any TokenCredential]>([:])

    /// The credential made earlier for these inputs, else `make()`'s, remembered.
    static func credential(
        method: AuthenticationMethod, password: Secret?, environment: [String: String],
        make: () -> any TokenCredential
    ) -> any TokenCredential {
        let key = Key(method: method, password: password, environment: environment)
        return made.withLock { made in
            if let credential = made[key] { return credential }
            let credential = make()
            made[key] = credential
            return credential
        }
    }
}
