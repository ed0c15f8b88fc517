import DBCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the per-login freetds.conf files live: one private directory per process (mode 0700, made with
/// `mkdtemp` under `$TMPDIR` or `/tmp`), each file mode 0600, created exclusively and removed as soon as `dbopen`
/// has read it. The files hold no secret (see ``FreeTDSLoginConfig``); the modes keep other users from reading
/// where this process connects or from swapping a file in.
///
/// `@unchecked Sendable`: the directory path is guarded by `lock`.
final class FreeTDSLoginFiles: @unchecked Sendable {
    /// The process's directory, made on first use and removed at exit when empty.
    static let shared = FreeTDSLoginFiles()

    private let lock = NSLock()
    private var directory: String?

    private init() {}

    /// The private directory, made now if it does not exist yet (or was removed by a temp-file cleaner).
    func directoryPath() throws -> String {
        try lock.withLock {
            if let directory, access(directory, F_OK) == 0 { return directory }
            let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array("\(base)/swift-mssql-\(getpid())-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            guard made != nil else {
                throw DatabaseError(
                    kind: .connectionFailed,
                    message: "could not make a private directory for FreeTDS's login settings in \(base): "
                        + String(cString: strerror(errno)))
            }
            let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if directory == nil { atexit { FreeTDSLoginFiles.shared.removeDirectory() } }
            directory = path
            return path
        }
    }

    /// Writes `config` to a new file in the private directory and returns its path.
    func write(_ config: FreeTDSLoginConfig) throws -> String {
        let name = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let path = try directoryPath() + "/login-\(name).conf"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError(
                kind: .connectionFailed,
                message: "could not create FreeTDS's login settings file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(config.text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw DatabaseError(
                    kind: .connectionFailed,
                    message: "could not write FreeTDS's login settings file \(path): \(reason)")
            }
            written += result
        }
        return path
    }

    /// Removes a file ``write(_:)`` made.
    func remove(_ path: String) {
        unlink(path)
    }

    /// The files in the private directory now (none outside a login).
    func leftovers() -> [String] {
        let directory = lock.withLock { self.directory }
        guard let directory else { return [] }
        return (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    /// Removes the directory if it is empty (at exit).
    private func removeDirectory() {
        lock.withLock {
            if let directory { rmdir(directory) }
        }
    }
}

/// `write(2)`, under a name the type's own `write(_:)` does not hide.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
