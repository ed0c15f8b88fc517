import DBCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One login's freetds.conf file, open until ``FreeTDSLoginFiles/remove(_:)``.
struct FreeTDSLoginFile: Sendable {
    /// The path `dbsetifile` is given: `/proc/self/fd/N` on Linux (the file has no name in any directory), else a
    /// file in the process's private directory.
    let path: String
    /// The open file (FreeTDS `fopen`s ``path`` itself; on Linux that reopens this descriptor's file).
    let descriptor: Int32
    /// The name to unlink when the login is over; `nil` when the file never had one or lost it at once.
    let linkedPath: String?
}

/// Where the per-login freetds.conf files live. The files hold no secret (see ``FreeTDSLoginConfig``), but
/// another local user who could swap one between our write and FreeTDS's `fopen` could drop the `ca file` or write
/// `encryption = off`, so no other user may ever reach them:
///
/// - Linux: the file is made with `O_TMPFILE | O_EXCL` in `$TMPDIR` (or `/tmp`): it never has a name, and FreeTDS
///   opens it as `/proc/self/fd/N` (FreeTDS 1.3 just `fopen`s the `dbsetifile` path, src/tds/config.c). Where the
///   file system has no `O_TMPFILE`, it is made in the private directory below and unlinked at once; without
///   `/proc`, it is made there and kept until `dbopen` returns, as elsewhere.
/// - Elsewhere: mode 0600, created exclusively in one private directory per process, removed as soon as `dbopen`
///   has read it.
///
/// The private directory is made with `mkdtemp` (mode 0700) and, before each use, must still be a directory (not
/// a link) owned by this user with mode 0700; when a temp-file cleaner removed it and someone else made one of
/// that name, a new one is made.
///
/// `@unchecked Sendable`: the directory path is guarded by `lock`.
final class FreeTDSLoginFiles: @unchecked Sendable {
    /// The process's files, with a directory made on first need and removed at exit when empty.
    static let shared = FreeTDSLoginFiles()

    private let lock = NSLock()
    private var directory: String?
    private var removesDirectoryAtExit = false

    private init() {}

    /// The temporary-files base: `$TMPDIR`, or `/tmp`.
    private static var base: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Whether `path` is a directory (not a symbolic link) owned by this process's effective user with mode 0700.
    static func isPrivateDirectory(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_mode & S_IFMT == S_IFDIR && info.st_uid == geteuid() && info.st_mode & 0o7777 == 0o700
    }

    /// The private directory, made now if it does not exist yet or is no longer this user's private directory.
    func directoryPath() throws -> String {
        try lock.withLock {
            if let directory, Self.isPrivateDirectory(directory) { return directory }
            let base = Self.base
            var template = Array("\(base)/swift-mssql-\(getpid())-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            guard made != nil else {
                throw DatabaseError(
                    kind: .connectionFailed,
                    message: "could not make a private directory for FreeTDS's login settings in \(base): "
                        + String(cString: strerror(errno)))
            }
            let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !removesDirectoryAtExit {
                removesDirectoryAtExit = true
                atexit { FreeTDSLoginFiles.shared.removeDirectory() }
            }
            directory = path
            return path
        }
    }

    /// Writes `config` to a new file no other user can reach and returns it; call ``remove(_:)`` once `dbopen`
    /// has returned.
    func write(_ config: FreeTDSLoginConfig) throws -> FreeTDSLoginFile {
        let file = try create()
        let bytes = Array(config.text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { posixWrite(file.descriptor, $0.baseAddress, $0.count) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                let reason = String(cString: strerror(errno))
                remove(file)
                throw DatabaseError(
                    kind: .connectionFailed, message: "could not write FreeTDS's login settings file: \(reason)")
            }
            written += result
        }
        return file
    }

    /// Closes a file ``write(_:)`` made (and unlinks it where it still has a name).
    func remove(_ file: FreeTDSLoginFile) {
        if let linkedPath = file.linkedPath { unlink(linkedPath) }
        close(file.descriptor)
    }

    /// The files in the private directory now (none outside a login on macOS; none ever on Linux).
    func leftovers() -> [String] {
        let directory = lock.withLock { self.directory }
        guard let directory else { return [] }
        return (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    #if os(Linux)
        /// Whether `/proc/self/fd` exists, so that FreeTDS can open an unnamed file through it.
        private static let hasProcFileDescriptors = access("/proc/self/fd", X_OK) == 0
    #endif

    /// A new, empty file: unnamed on Linux (with `/proc`), else named in the private directory.
    private func create() throws -> FreeTDSLoginFile {
        #if os(Linux)
            // Without /proc (a chroot or container that does not mount it) FreeTDS could not open the file.
            guard Self.hasProcFileDescriptors else {
                let named = try createNamed()
                return FreeTDSLoginFile(path: named.path, descriptor: named.descriptor, linkedPath: named.path)
            }
            let unnamed = open(Self.base, linuxTemporaryFileFlag | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
            if unnamed >= 0 {
                return FreeTDSLoginFile(path: "/proc/self/fd/\(unnamed)", descriptor: unnamed, linkedPath: nil)
            }
            let named = try createNamed()
            unlink(named.path)
            return FreeTDSLoginFile(
                path: "/proc/self/fd/\(named.descriptor)", descriptor: named.descriptor, linkedPath: nil)
        #else
            let named = try createNamed()
            return FreeTDSLoginFile(path: named.path, descriptor: named.descriptor, linkedPath: named.path)
        #endif
    }

    /// Creates a file exclusively in the private directory (mode 0600, never through a link).
    private func createNamed() throws -> (path: String, descriptor: Int32) {
        let name = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let path = try directoryPath() + "/login-\(name).conf"
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError(
                kind: .connectionFailed,
                message: "could not create FreeTDS's login settings file \(path): \(String(cString: strerror(errno)))")
        }
        return (path, descriptor)
    }

    /// Removes the directory if it is empty (at exit).
    private func removeDirectory() {
        lock.withLock {
            if let directory { rmdir(directory) }
        }
    }
}

#if os(Linux)
    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`), which Glibc's module does not export: `020000000` on x86-64 and
    /// arm64 (as on every architecture but Alpha, PA-RISC and SPARC).
    private let linuxTemporaryFileFlag: Int32 = 0o20_000_000 | O_DIRECTORY
#endif

/// `write(2)`, under a name the type's own `write(_:)` does not hide.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
