import Foundation

/// When a driver prepares a statement it runs often, and how many prepared statements a connection keeps: the
/// automatic prepared-statement cache's two settings.
///
/// Both come from ``ConnectionConfiguration/options`` under psycopg's names, so a URL or keyword string can set
/// them (`?prepare_threshold=0`):
/// - `prepare_threshold`: how many times a statement runs unprepared before it is prepared (default 5, as in
///   psycopg); `0` prepares at the first run; `none` (or an empty value) never prepares, for PgBouncer-style
///   transaction pooling, where the next statement may reach another server session.
/// - `prepared_max`: how many prepared statements a connection keeps (default 100); the least recently used one
///   is dropped beyond that.
public struct StatementCacheSettings: Sendable, Hashable {
    /// The `options` key of ``threshold``.
    public static let thresholdOption = "prepare_threshold"
    /// The `options` key of ``capacity``.
    public static let capacityOption = "prepared_max"
    /// Both option names: URL query keys and keyword-string keys a PostgreSQL configuration accepts beside libpq's
    /// own (they are never passed to libpq).
    public static let optionNames: Set<String> = [thresholdOption, capacityOption]

    /// Runs of a statement before it is prepared: `0` prepares at once, `nil` never.
    public var threshold: Int?
    /// The most prepared statements a connection keeps (at least 1).
    public var capacity: Int

    /// The defaults: prepared after 5 runs, at most 100 kept.
    public init(threshold: Int? = 5, capacity: Int = 100) {
        self.threshold = threshold.map { max(0, $0) }
        self.capacity = max(1, capacity)
    }

    /// The settings `options` hold (``thresholdOption``, ``capacityOption``), the defaults for those absent.
    /// Throws `.invalidConfiguration` for a value that is not a count.
    public init(options: [String: String]) throws {
        self.init()
        if let text = options[Self.thresholdOption] {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            if trimmed.isEmpty || trimmed == "none" || trimmed == "null" {
                threshold = nil
            } else if let value = Int(trimmed), value >= 0 {
                threshold = value
            } else {
                throw DatabaseError.invalidConfiguration(
                    "\(Self.thresholdOption) must be a count of runs (0 prepares at once) or 'none', not '\(text)'")
            }
        }
        if let text = options[Self.capacityOption] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
                throw DatabaseError.invalidConfiguration(
                    "\(Self.capacityOption) must be a count of at least 1, not '\(text)'")
            }
            capacity = value
        }
    }

    /// Whether `key` names one of these settings (which a driver does not pass on to its client library).
    public static func isSettingOption(_ key: String) -> Bool {
        key == thresholdOption || key == capacityOption
    }
}
