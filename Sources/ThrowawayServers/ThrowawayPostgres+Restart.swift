import Foundation

extension ThrowawayPostgres {
    /// Stops the temporary cluster's server as an administrator would (`pg_ctl stop -m fast`: sessions get FATAL
    /// 57P01 and are closed) but keeps its data, so ``startAgain()`` brings it back on the same port. For tests of
    /// restarts and failovers. Throws for an existing server (it is not ours to stop).
    public func stopKeepingData() throws {
        let (binDirectory, dataDirectory, rootDirectory) = try ownCluster()
        try CommandRunner.run(
            "\(binDirectory)/pg_ctl", ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"],
            asUser: ThrowawayPostgres.clusterOwner, workingDirectory: rootDirectory)
    }

    /// Starts the server ``stopKeepingData()`` stopped, on the same port, and waits until it accepts connections.
    public func startAgain() throws {
        let (binDirectory, dataDirectory, rootDirectory) = try ownCluster()
        try CommandRunner.run(
            "\(binDirectory)/pg_ctl",
            ["start", "-D", dataDirectory, "-w", "-t", "60", "-l", "\(rootDirectory)/restart.log", "-o", "-p \(port)"],
            asUser: ThrowawayPostgres.clusterOwner, workingDirectory: rootDirectory)
    }

    /// Restarts the server: ``stopKeepingData()`` then ``startAgain()``.
    public func restart() throws {
        try stopKeepingData()
        try startAgain()
    }

    /// The directories of a temporary cluster that is still ours.
    private func ownCluster() throws -> (bin: String, data: String, root: String) {
        guard !isExternal, isRunning, let binDirectory, let dataDirectory, let rootDirectory else {
            throw ThrowawayServerError(
                command: "pg_ctl restart", status: nil, output: "not a running temporary cluster of this process")
        }
        return (binDirectory, dataDirectory, rootDirectory)
    }
}
