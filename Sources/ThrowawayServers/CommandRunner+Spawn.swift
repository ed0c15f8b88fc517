import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CommandRunner {
    /// Starts `path` with `arguments` and `environment`, standard output and error appended to `outputFile`,
    /// standard input from `/dev/null`, in `workingDirectory`; waits for it and returns its exit status
    /// (128 + signal number when a signal ended it).
    static func spawnAndWait(
        _ path: String, _ arguments: [String], environment: [String: String], outputFile: String,
        workingDirectory: String?
    ) throws -> Int32 {
        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
        #else
            var actions: posix_spawn_file_actions_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Close every other inherited descriptor: a server started here (pg_ctl → postgres) would otherwise keep
        // the write end of some other thread's pipe open forever, and that reader would never see end-of-file.
        CommandRunner.closeInheritedDescriptors(&actions)

        // `env -C` changes directory before running the command (posix_spawn_file_actions_addchdir_np is not
        // visible to Swift on every libc).
        var program = path
        var fullArguments = [path] + arguments
        if let workingDirectory {
            program = "/usr/bin/env"
            fullArguments = [program, "-C", workingDirectory] + fullArguments
        }
        let argv = fullArguments.map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            (envp + [nil]).withUnsafeBufferPointer { envpBuffer in
                posix_spawn(&pid, program, &actions, nil, argvBuffer.baseAddress!, envpBuffer.baseAddress!)
            }
        }
        guard spawned == 0 else {
            throw ThrowawayServerError(
                command: path, status: nil, output: "could not start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                throw ThrowawayServerError(
                    command: path, status: nil, output: "waitpid failed: \(String(cString: strerror(errno)))")
            }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros; decode the status word by hand.
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

extension CommandRunner {
    #if canImport(Glibc)
        private typealias AddCloseFrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

        /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because Swift's Glibc
        /// module does not declare it; `nil` on an older libc.
        private static let addCloseFrom: AddCloseFrom? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(symbol, to: AddCloseFrom.self)
        }()

        /// Makes the child close every descriptor from 3 up.
        static func closeInheritedDescriptors(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>) {
            _ = addCloseFrom?(actions, 3)
        }
    #else
        /// Other systems: descriptors are inherited as they are.
        static func closeInheritedDescriptors(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t?>) {}
    #endif
}
