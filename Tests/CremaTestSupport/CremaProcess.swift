import Foundation

/// The real `crema` binary run as a child process, for what only a process can show:
/// exit codes, one-line start-up errors, two instances racing, signals.
public final class CremaProcess: @unchecked Sendable {
    // @unchecked: `Process` is not Sendable, but this wrapper only reads it after launch.
    private let process: Process
    private let stdoutFile: URL
    private let stderrFile: URL

    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        /// What to show of a failed run: from a trap's message on (Swift's crash report puts the
        /// message and the crashed thread first, then pages of registers and images that a tail
        /// would keep instead), else the last 2,000 characters.
        public var stderrExcerpt: String {
            guard let start = stderr.range(of: "Fatal error") ?? stderr.range(of: "Program crashed") else {
                return String(stderr.suffix(2_000))
            }
            return String(stderr[start.lowerBound...].prefix(4_000))
        }
    }

    /// Starts `crema` with `arguments`; the environment is exactly `environment` plus PATH (and a
    /// loopback Bot API address unless `environment` names one). `input` is what the process
    /// reads on stdin; without it stdin is empty.
    public init(_ arguments: [String], environment: [String: String], input: String? = nil) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("crema-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        stdoutFile = scratch.appendingPathComponent("stdout")
        stderrFile = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        FileManager.default.createFile(atPath: stderrFile.path, contents: nil)

        process = Process()
        process.executableURL = TestEnvironment.cremaBinary
        process.arguments = arguments
        var variables = environment
        variables["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        // Test traffic stays on loopback: a Bot API call from a test process must never leave it.
        if variables["TELEGRAM_API_BASE_URL"] == nil { variables["TELEGRAM_API_BASE_URL"] = "http://127.0.0.1:9" }
        process.environment = variables
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        let inputFile = scratch.appendingPathComponent("stdin")
        FileManager.default.createFile(atPath: inputFile.path, contents: Data((input ?? "").utf8))
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        guard FileManager.default.isExecutableFile(atPath: TestEnvironment.cremaBinary.path) else {
            throw TestHarnessError("crema binary not found at \(TestEnvironment.cremaBinary.path): build it first (scripts/test.sh does)")
        }
        try process.run()
    }

    /// Runs to completion and returns what it printed.
    public static func run(
        _ arguments: [String], environment: [String: String], input: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> Outcome {
        try await CremaProcess(arguments, environment: environment, input: input).waitForExit(timeout: timeout)
    }

    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Outcome {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw TestHarnessError("crema \(process.arguments ?? []) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return Outcome(status: process.terminationStatus, stdout: output(stdoutFile), stderr: output(stderrFile))
    }

    public var stdoutSoFar: String { output(stdoutFile) }
    public var stderrSoFar: String { output(stderrFile) }

    private func output(_ file: URL) -> String {
        (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
