import Foundation

/// Files under `Tests/Fixtures`, found from this source file so any checkout location works.
public enum Fixtures {
    public static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The real Telegram update samples (copied from the product's shared samples).
    public static var telegramUpdateFiles: [URL] {
        let folder = directory.appendingPathComponent("telegram-updates")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    public static func telegramUpdate(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("telegram-updates/\(name).json"))
    }
}
