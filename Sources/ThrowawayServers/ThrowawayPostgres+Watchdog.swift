import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ThrowawayPostgres {
    /// Starts the watchdog of the temporary cluster in `root`: a detached shell that checks every second whether
    /// process `owner` (this one by default) still runs, and once it has ended with the cluster still there (it
    /// crashed, was killed, or was a test's child process that exits on purpose, where `atexit` and `deinit` never
    /// run), stops the cluster (`pg_ctl stop -m immediate`) and deletes `root`. It ends by itself when `root/data`
    /// is gone (``stop()`` ran). Without it, every such exit left a PostgreSQL server running.
    static func startWatchdog(root: String, binDirectory: String, owner: pid_t = getpid()) {
        let data = quoted("\(root)/data")
        var stop = "\(quoted("\(binDirectory)/pg_ctl")) stop -D \(data) -m immediate -w -t 60"
        if let user = clusterOwner { stop = "runuser -u \(user) -- \(stop)" }
        let watch =
            "while kill -0 \(owner) 2>/dev/null && [ -d \(data) ]; do sleep 1; done; "
            + "if [ -d \(data) ]; then \(stop); rm -rf \(quoted(root)); fi"
        // `setsid -f`: out of this process's group and session, so a kill of the group leaves the watchdog.
        let script =
            "if command -v setsid >/dev/null 2>&1; then setsid -f sh -c \(quoted(watch)); "
            + "else sh -c \(quoted(watch)) & fi </dev/null >/dev/null 2>&1"
        _ = try? CommandRunner.run("/bin/sh", ["-c", script], allowFailure: true)
    }

    /// `text` in single quotes for `sh`.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
