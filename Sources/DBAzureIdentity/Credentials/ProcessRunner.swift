import Dispatch
import Foundation
import Synchronization

/// Runs a program to its end on a thread of its own (never the cooperative pool), with a timeout.
enum ProcessRunner {
    struct Output: Sendable {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], timeout: Double
    )
        async throws -> Output
    {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment, timeout) })
            }
            thread.start()
        }
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], _ environment: [String: String], _ timeout: Double
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw TokenCredentialError(
                credential: "AzureCLICredential", reason: .unavailable, message: "cannot run \(executable)")
        }
        let errorText = Mutex<Data>(Data())
        let errorRead = DispatchGroup()
        errorRead.enter()
        DispatchQueue.global().async {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errorText.withLock { $0 = data }
            errorRead.leave()
        }
        let timedOut = Atomic<Bool>(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if process.isRunning {
                timedOut.store(true, ordering: .relaxed)
                process.terminate()
            }
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorRead.wait()
        if timedOut.load(ordering: .relaxed) {
            throw TokenCredentialError(
                credential: "AzureCLICredential", reason: .unavailable, message: "az did not finish within \(timeout) s"
            )
        }
        let text = String(decoding: errorText.withLock { $0 }, as: UTF8.self)
        return Output(status: process.terminationStatus, standardOutput: output, standardError: text)
    }
}
