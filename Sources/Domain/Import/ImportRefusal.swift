/// A source row that was not taken in, or taken in with something left out, and why: the import
/// reports these instead of merging or dropping anything silently.
public struct ImportRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The row, as the original database names it: `users 17`.
    public var row: String
    public var reason: String

    public init(_ table: String, _ id: Int64, _ reason: String) {
        self.row = "\(table) \(id)"
        self.reason = reason
    }

    public var description: String { "v1 \(row): \(reason)" }
}

/// The name an imported row keeps of its source row (`v1:users:17`): unique in each Crema table,
/// so a second run finds what the first one brought in.
public enum ImportSource {
    public static func v1(_ table: String, _ id: Int64, part: Int? = nil) -> String {
        part.map { "v1:\(table):\(id):\($0)" } ?? "v1:\(table):\(id)"
    }
}
