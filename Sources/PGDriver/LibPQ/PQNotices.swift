import CLibPQ
import DBCore
import Foundation

/// Collects the notices (NOTICE, WARNING, INFO) libpq's notice receiver delivers for one connection. It has its
/// own lock so ``take()`` never waits for a running statement.
final class PQNoticeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var notices: [DatabaseNotice] = []

    func append(_ notice: DatabaseNotice) {
        lock.lock()
        notices.append(notice)
        lock.unlock()
    }

    func take() -> [DatabaseNotice] {
        lock.lock()
        defer { lock.unlock() }
        let taken = notices
        notices = []
        return taken
    }

    /// Installs the receiver on `connection`. The collector must outlive the connection (the handle keeps both).
    func install(on connection: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = PQsetNoticeReceiver(
            connection,
            { context, result in
                guard let context, let result else { return }
                let collector = Unmanaged<PQNoticeCollector>.fromOpaque(context).takeUnretainedValue()
                func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
                let severity = field(clibpq_diag_severity()) ?? "NOTICE"
                let message =
                    field(clibpq_diag_message_primary())
                    ?? PQresultErrorMessage(result).map { String(cString: $0).trimmingTrailingNewlines() } ?? ""
                collector.append(
                    DatabaseNotice(
                        severity: severity, code: field(clibpq_diag_sqlstate()).map(DatabaseError.Code.sqlState),
                        message: message))
            }, context)
    }
}
