import Synchronization

/// A test hook: the sandbox refuses the first `count` logins with a given SQL Server error, as Azure SQL does
/// during a failover (40613 "Database … is not currently available. Please retry the connection later."), then
/// accepts logins as usual. Shared by reference, so a test can read how many logins were refused.
///
/// ```swift
/// let refusals = TDSSandboxLoginRefusals(count: 2, number: 40613)
/// let server = TDSSandboxServer(configuration: TDSSandboxConfiguration(loginRefusals: refusals))
/// ```
public final class TDSSandboxLoginRefusals: Sendable {
    private let remaining: Mutex<Int>
    private let refusedLogins = Atomic<Int>(0)
    /// The error each refused login gets.
    public let message: SQLServerMessage

    /// Refuses the next `count` logins with error `number` (severity 20 unless given: the login ends), with
    /// `message` or a text naming the number.
    public init(count: Int, number: Int, severity: Int = 20, message: String? = nil) {
        remaining = Mutex(max(0, count))
        self.message = SQLServerMessage(
            number: number, severity: severity,
            message: message ?? "The sandbox refuses this login with error \(number) (a test hook); retry later.")
    }

    /// How many logins were refused so far.
    public var refusedCount: Int { refusedLogins.load(ordering: .sequentiallyConsistent) }

    /// The error for this login when it is one of the first `count`; `nil` once they are used up.
    func nextRefusal() -> SQLServerMessage? {
        let refuse = remaining.withLock { remaining -> Bool in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        guard refuse else { return nil }
        refusedLogins.add(1, ordering: .sequentiallyConsistent)
        return message
    }
}
