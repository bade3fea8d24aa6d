import Crypto
import Foundation

/// One numbered SQL file from `Sources/Store/Migrations`, e.g. `0001_core.sql`.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file, so an edit to an applied migration is noticed.
    public let checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The migrations shipped with this build, in order.
    public static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.bundleMissing
        }
        return try load(from: folder)
    }

    static func load(from folder: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
        let migrations = try files.map { file -> Migration in
            let fileName = file.deletingPathExtension().lastPathComponent
            guard let version = fileName.split(separator: "_").first.flatMap({ Int($0) }) else {
                throw MigrationError.badFileName(file.lastPathComponent)
            }
            return Migration(version: version, name: fileName, sql: try String(contentsOf: file, encoding: .utf8))
        }
        .sorted { $0.version < $1.version }
        for (earlier, later) in zip(migrations, migrations.dropFirst()) where earlier.version == later.version {
            throw MigrationError.duplicateVersion(earlier.name, later.name)
        }
        return migrations
    }
}
