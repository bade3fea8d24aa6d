import Foundation
import Logging
import Synchronization

/// Writes one JSON object per line to stdout: `{"ts":…,"level":…,"msg":…,"request_id":…}`.
///
/// Lines are written whole under a lock so concurrent requests never interleave their output.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let output: JSONLogOutput

    public init(label: String, level: Logger.Level, output: JSONLogOutput = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: Any] = [
            "ts": Self.timestamp(Date()),
            "level": event.level.rawValue,
            "logger": label,
            "msg": event.message.description,
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged {
            fields[key] = Self.jsonValue(value)
        }
        if event.level >= .warning {
            fields["source"] = "\(event.file):\(event.line)"
        }
        guard var line = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        line.append(UInt8(ascii: "\n"))
        output.write(line)
    }

    private static func jsonValue(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return values.map(jsonValue)
        case .dictionary(let dictionary): return dictionary.mapValues(jsonValue)
        }
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

/// Where JSON log lines go; one shared lock per destination.
public final class JSONLogOutput: Sendable {
    private let lock = Mutex(())
    private let sink: @Sendable (Data) -> Void

    public init(sink: @escaping @Sendable (Data) -> Void) {
        self.sink = sink
    }

    func write(_ line: Data) {
        lock.withLock { _ in sink(line) }
    }

    /// A line that cannot be written (stdout closed, e.g. piped into `head`) is dropped: logging
    /// never stops the process. (`FileHandle.write(_:)` traps on such an error.)
    public static let standardOutput = JSONLogOutput { line in
        try? FileHandle.standardOutput.write(contentsOf: line)
    }
}
