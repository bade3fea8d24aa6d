import ArgumentParser
import Domain
import Foundation
import Runtime
import Store

struct StaffInviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff-invite",
        abstract: "Create a one-time staff invite (valid 24 h) and print its t.me link."
    )

    @Option(help: "barista or manager")
    var role: String

    @Option(help: "The location's slug, e.g. main.")
    var location = "main"

    func validate() throws {
        guard Actor.StaffRole(rawValue: role) != nil else { throw ValidationError("--role must be barista or manager") }
    }

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.invite", talksToTelegram: true)
        let role = Actor.StaffRole(rawValue: role)!
        let token = StaffInvites.prefix + RandomSource.system.urlSafeToken(byteCount: 18)
        try await bootstrap.reportingFailures {
            let created = try await bootstrap.withDatabase { database in
                try await Store(database: database, logger: bootstrap.logger, random: .system).pool.invites.create(
                    role: role, locationSlug: location, createdBy: "cli", token: token, at: bootstrap.clock.now
                )
            }
            guard let created else { fail("no location with the slug \"\(location)\"") }
            let bot = await staffBotUsername(bootstrap.configuration.telegram) ?? "<staff bot>"
            print("https://t.me/\(bot)?start=\(created.token)")
            print("\(role.rawValue) at \(location); valid until \(created.expiresAt.formatted(.iso8601)); works once")
        }
    }

    /// The staff bot's username from Telegram, for the link; nil when Telegram cannot be asked.
    private func staffBotUsername(_ telegram: AppConfiguration.TelegramConfiguration) async -> String? {
        await telegram.api(for: .staff, timeout: .seconds(15)).username()
    }
}
