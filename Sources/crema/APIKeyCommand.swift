import ArgumentParser
import Foundation
import Runtime
import Store

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key",
        abstract: "Create, list and revoke partner API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; its secret is printed once and stored only as a hash.")

        @Option(help: "A name that says who uses the key, e.g. \"POS main\".")
        var name: String

        @Option(help: "Comma-separated scopes: \(APIKeyStore.scopes.sorted().joined(separator: ", ")).")
        var scopes: String

        @Flag(help: "Let the key read, cancel and spend at every location, not only its own.")
        var chainWide = false

        @Option(help: "The location whose sales this key books (slug).")
        var location = "main"

        var scopeSet: Set<String> {
            Set(scopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }

        func validate() throws {
            guard (1...100).contains(name.count) else { throw ValidationError("--name must be 1 to 100 characters") }
            let unknown = scopeSet.subtracting(APIKeyStore.scopes)
            guard unknown.isEmpty else { throw ValidationError("unknown scopes: \(unknown.sorted().joined(separator: ", "))") }
            guard !scopeSet.isEmpty else { throw ValidationError("--scopes needs at least one scope") }
        }

        func run() async throws {
            let bootstrap = Bootstrap.load(label: "crema.api-key")
            let random = RandomSource.system
            let prefix = "crema_" + random.hexString(byteCount: 4)
            let secret = random.urlSafeToken(byteCount: 24)
            try await bootstrap.reportingFailures {
                let created = try await bootstrap.withDatabase { database in
                    try await APIKeyStore(database: database, logger: bootstrap.logger).create(
                        name: name, scopes: scopeSet, locationSlug: location, chainWide: chainWide, prefix: prefix, secret: secret,
                        createdBy: "cli",
                        at: bootstrap.clock.now
                    )
                }
                guard let created else { fail("no location with the slug \"\(location)\"") }
                print(created.key)
                print("key \(prefix) (\(name)) with \(scopeSet.sorted().joined(separator: ",")); shown once, keep it secret")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")

        func run() async throws {
            let bootstrap = Bootstrap.load(label: "crema.api-key")
            try await bootstrap.reportingFailures {
                let keys = try await bootstrap.withDatabase { database in
                    try await APIKeyStore(database: database, logger: bootstrap.logger).list()
                }
                for key in keys {
                    let state = key.revokedAt == nil ? "active" : "revoked"
                    let used = key.lastUsedAt.map { $0.formatted(.iso8601) } ?? "never"
                    print(
                        "\(key.prefix)\t\(state)\t\(key.name)\t\(key.chainWide ? "chain-wide" : key.location)\t\(key.scopes.joined(separator: ","))\tlast used \(used)"
                    )
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its prefix (crema_xxxxxxxx); it stops working at once.")

        @Argument(help: "The key's prefix, as `api-key list` shows it.")
        var prefix: String

        func run() async throws {
            let bootstrap = Bootstrap.load(label: "crema.api-key")
            try await bootstrap.reportingFailures {
                let revoked = try await bootstrap.withDatabase { database in
                    try await APIKeyStore(database: database, logger: bootstrap.logger).revoke(
                        prefix: prefix, by: "cli", at: bootstrap.clock.now)
                }
                guard revoked else { fail("no active key with the prefix \(prefix)") }
                print("revoked \(prefix)")
            }
        }
    }
}
