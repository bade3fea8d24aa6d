import ArgumentParser

@main
struct Crema: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crema",
        abstract: "Crema: a café loyalty platform that lives in Telegram.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SeedDemoCommand.self, CheckLedgerCommand.self, SetWebhooksCommand.self,
            StaffInviteCommand.self, APIKeyCommand.self, CreateAdminCommand.self, RunBirthdaysCommand.self, RunExpiryCommand.self,
            ImportV1Command.self,
            HealthCheckCommand.self,
        ]
    )
}
