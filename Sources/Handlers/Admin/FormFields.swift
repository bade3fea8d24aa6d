import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body as name → value (the last value wins).
struct FormFields: Sendable {
    static let byteLimit = 64 * 1024

    var values: [String: String]

    init(values: [String: String]) {
        self.values = values
    }

    init(encoded: String) {
        var values: [String: String] = [:]
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            values[name] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
        self.values = values
    }

    static func read(_ request: Request) async throws -> FormFields {
        let buffer = try await request.body.collect(upTo: byteLimit)
        return FormFields(encoded: String(buffer: buffer))
    }

    /// NUL characters are dropped: no field means anything by them, and PostgreSQL refuses them.
    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return String((spaced.removingPercentEncoding ?? spaced).filter { $0 != "\u{0}" })
    }

    subscript(_ name: String) -> String? { values[name] }

    /// The trimmed value, nil when missing or blank.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
