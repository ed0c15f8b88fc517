import Logging
import Synchronization

/// A log handler that keeps every message and its metadata in memory, to check what is logged (and that no secret
/// is).
public struct CapturingLogHandler: LogHandler {
    /// The captured lines, shared by every copy of the handler.
    public final class Store: Sendable {
        let lines = Mutex<[String]>([])
        /// Every line so far: level, message and the metadata sorted by key.
        public var all: [String] { lines.withLock { $0 } }
    }

    let store: Store
    /// The level below which messages are dropped (trace: none are).
    public var logLevel: Logger.Level = .trace
    /// The handler's own metadata, merged into every line.
    public var metadata: Logger.Metadata = [:]

    /// The handler's metadata value for `key`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Records the event as one line.
    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let text =
            "\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })"
        store.lines.withLock { $0.append(text) }
    }

    /// A logger that captures into the returned store.
    public static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "capture", factory: { _ in CapturingLogHandler(store: store) }), store)
    }
}
