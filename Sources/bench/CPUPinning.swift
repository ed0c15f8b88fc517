import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `BENCH_PIN=1`: the clients on one CPU and the servers on the others, so a client's CPU per row is not inflated by
/// the servers preempting it on the same core (on a 2-core machine the sandbox and PostgreSQL otherwise switch the
/// client out a thousand times or more per million rows fetched).
///
/// The client CPU is the lowest CPU this process may run on; the servers get the rest. This process (every
/// thread it has when pinned, and so every thread and child it starts later, among them the C and Python
/// contenders) runs on the client CPU; PostgreSQL's postmaster and its current children (so every backend it forks
/// later) and each sandbox process run on the server CPUs. The TDS sandbox section at the end, whose sandbox runs in
/// this process and is compared with PostgreSQL, runs unpinned. Linux only; elsewhere, or with one CPU, nothing is
/// pinned and the report says so.
enum CPUPinning {
    /// Whether the environment asks for pinning.
    static var isRequested: Bool { ProcessInfo.processInfo.environment["BENCH_PIN"] == "1" }

    /// The client CPU and the server CPUs, or `nil` when this process may use fewer than two CPUs.
    static let split: (client: Int, servers: [Int])? = {
        #if os(Linux)
            var allowed = cpu_set_t()
            guard let getAffinity = affinityCall("sched_getaffinity"),
                getAffinity(0, MemoryLayout<cpu_set_t>.size, &allowed) == 0
            else { return nil }
            let cpus = withUnsafeBytes(of: &allowed) { bytes in
                (0..<(bytes.count * 8)).filter { bytes[$0 / 8] & (1 << ($0 % 8)) != 0 }
            }
            guard cpus.count >= 2 else { return nil }
            return (cpus[0], Array(cpus.dropFirst()))
        #else
            return nil
        #endif
    }()

    /// The line the report prints about pinning.
    static var description: String {
        guard isRequested else { return "not pinned (clients and servers share every CPU)" }
        guard let split else { return "BENCH_PIN=1 asked for, but fewer than two CPUs: not pinned" }
        return "clients pinned to CPU \(split.client), PostgreSQL and the TDS sandbox to CPUs "
            + split.servers.map(String.init).joined(separator: ",")
    }

    /// Pins every thread of this process to the client CPU (call after the servers have started).
    static func pinThisProcess() {
        guard isRequested, let split else { return }
        pin(process: getpid(), to: [split.client])
    }

    /// Lets every thread of this process run on all its CPUs again (for the TDS sandbox section, whose sandbox runs
    /// in this process and compares itself with PostgreSQL, so neither side is pinned there).
    static func unpinThisProcess() {
        guard isRequested, let split else { return }
        pin(process: getpid(), to: [split.client] + split.servers)
    }

    /// Pins PostgreSQL (its postmaster, whose PID is the first line of `postmaster.pid`, and the postmaster's
    /// current children) to the server CPUs.
    static func pinPostgres(dataDirectory: String?) {
        guard isRequested, let split else { return }
        pinPostgres(dataDirectory: dataDirectory, to: split.servers)
    }

    /// Lets PostgreSQL (the postmaster and its children) run on all the CPUs again.
    static func unpinPostgres(dataDirectory: String?) {
        guard isRequested, let split else { return }
        pinPostgres(dataDirectory: dataDirectory, to: [split.client] + split.servers)
    }

    private static func pinPostgres(dataDirectory: String?, to cpus: [Int]) {
        guard let dataDirectory,
            let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let postmaster = pid_t(first)
        else { return }
        pin(process: postmaster, to: cpus)
        for child in children(of: postmaster) { pin(process: child, to: cpus) }
    }

    /// Pins every thread of a server process (a sandbox) to the server CPUs.
    static func pinServer(_ pid: pid_t) {
        guard isRequested, let split else { return }
        pin(process: pid, to: split.servers)
    }

    #if os(Linux)
        /// glibc's `sched_getaffinity` / `sched_setaffinity`, looked up at run time: the Glibc module does not
        /// import them (they need `_GNU_SOURCE`).
        private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutablePointer<cpu_set_t>) -> Int32

        private static func affinityCall(_ name: String) -> AffinityCall? {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
            return unsafeBitCast(symbol, to: AffinityCall.self)
        }
    #endif

    /// Sets the affinity of every thread of `pid` (those in `/proc/PID/task`).
    private static func pin(process pid: pid_t, to cpus: [Int]) {
        #if os(Linux)
            var set = cpu_set_t()
            withUnsafeMutableBytes(of: &set) { bytes in
                for cpu in cpus where cpu / 8 < bytes.count { bytes[cpu / 8] |= UInt8(1 << (cpu % 8)) }
            }
            let threads =
                (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?
                .compactMap { pid_t($0) } ?? [pid]
            guard let setAffinity = affinityCall("sched_setaffinity") else { return }
            for thread in threads { _ = setAffinity(thread, MemoryLayout<cpu_set_t>.size, &set) }
        #endif
    }

    /// The processes whose parent is `pid` (field 4 of `/proc/N/stat`, after the command name's closing
    /// parenthesis).
    private static func children(of pid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> pid_t? in
            guard let candidate = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == pid ? candidate : nil
        }
    }
}
