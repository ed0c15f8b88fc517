import DBCore
import Foundation
import Synchronization

/// Caches a credential's tokens per scope set and fetches a new one ahead of expiry.
///
/// A token is reused until `refreshMargin` seconds before it expires (5 minutes by default, as the Azure SDKs
/// do); then the next request fetches a new one. Concurrent requests share one fetch. If a refresh fails while
/// the cached token is still valid, the cached token is returned.
final class TokenCache: Sendable {
    private enum Slot {
        case token(AccessToken)
        case fetching(Task<AccessToken, any Error>, previous: AccessToken?)
    }

    let refreshMargin: Double
    let clock: @Sendable () -> Date
    private let slots = Mutex<[String: Slot]>([:])

    init(refreshMargin: Double, clock: @escaping @Sendable () -> Date) {
        self.refreshMargin = refreshMargin
        self.clock = clock
    }

    /// The cached token for `scopes`, or a new one from `fetch`.
    func token(
        for scopes: [String], fetch: @escaping @Sendable () async throws -> AccessToken
    ) async throws -> AccessToken {
        let key = scopes.joined(separator: " ")
        let now = clock()
        let margin = refreshMargin
        let (cached, task, previous) = slots.withLock {
            slots -> (AccessToken?, Task<AccessToken, any Error>?, AccessToken?) in
            switch slots[key] {
            case .token(let token) where token.expiresOn.timeIntervalSince(now) > margin:
                return (token, nil, nil)
            case .fetching(let task, let previous):
                return (nil, task, previous)
            case .token(let token):
                let task = Task { try await fetch() }
                slots[key] = .fetching(task, previous: token)
                return (nil, task, token)
            case nil:
                let task = Task { try await fetch() }
                slots[key] = .fetching(task, previous: nil)
                return (nil, task, nil)
            }
        }
        if let cached { return cached }
        do {
            let token = try await task!.value
            slots.withLock { $0[key] = .token(token) }
            return token
        } catch {
            slots.withLock { slots in
                if case .fetching = slots[key] { slots[key] = previous.map { .token($0) } }
            }
            if let previous, previous.expiresOn > clock() { return previous }
            throw error
        }
    }
}
