import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import Runtime
import Store

/// What every subcommand needs before it can do anything: validated configuration, JSON logs,
/// and a database client with metrics hooks.
struct Bootstrap {
    let configuration: AppConfiguration
    let logger: Logger
    let metrics: AppMetrics
    let database: Database

    /// Reads the environment; on a bad value prints one line naming the variable and exits 78
    /// (EX_CONFIG), before anything is started. Secrets generated for a dev run are announced by
    /// the server, which uses them, not by every one-shot command.
    /// `talksToTelegram` is true for the commands that serve or call the bots (serve,
    /// set-webhooks, staff-invite); the others need only the database.
    /// `serving`: the pool of an instance under load (`DatabaseURL.PoolUse.serving`).
    static func load(
        label: String, announcingGeneratedSecrets: Bool = false, talksToTelegram: Bool = false, serving: Bool = false
    ) -> Bootstrap {
        let configuration: AppConfiguration
        do {
            configuration = try AppConfiguration(
                environment: ProcessInfo.processInfo.environment, random: .system, talksToTelegram: talksToTelegram)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(78)
        }

        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: label)
        for secret in configuration.generatedSecrets where announcingGeneratedSecrets {
            logger.notice(
                "generated a secret for this run; set it in the environment to keep it",
                metadata: ["variable": .string(secret.variable), "value": .string(secret.value)]
            )
        }

        let metrics = AppMetrics(version: CremaVersion.current, maximumDatabaseConnections: configuration.databasePoolSize)
        let client = PostgresClient(
            configuration: configuration.database.clientConfiguration(
                maximumConnections: configuration.databasePoolSize, use: serving ? .serving : .occasional),
            backgroundLogger: Logger(label: "crema.postgres")
        )
        let database = Database(
            client: client,
            maximumConnections: configuration.databasePoolSize,
            reachability: DatabaseReachability(configuration.database),
            observer: metrics.databaseObserver
        )
        return Bootstrap(configuration: configuration, logger: logger, metrics: metrics, database: database)
    }

    /// The system's clock, or in tests one started at `CREMA_TEST_CLOCK_START`.
    var clock: AppClock {
        configuration.clockStart.map(AppClock.starting(at:)) ?? .system
    }

    func dependencies(migrator: Migrator) -> AppDependencies {
        AppDependencies(
            database: database, migrator: migrator, clock: clock, random: .system, metrics: metrics, logger: logger
        )
    }

    /// Runs `work` while the PostgreSQL client runs, for the one-shot subcommands.
    func withDatabase<Result: Sendable>(_ work: @escaping @Sendable (Database) async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await database.client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await work(database)
        }
    }
}

extension Bootstrap {
    /// Runs a subcommand's work and turns any failure into one line on stderr and exit 1:
    /// schema problems as the migrator words them, an unreachable database by its address.
    func reportingFailures<Result>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await work()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as MigrationError {
            fail("\(error)")
        } catch  where error.isConnectionFailure {
            fail("cannot reach PostgreSQL at \(configuration.database.host):\(configuration.database.port) (DATABASE_URL)")
        } catch {
            fail(LoggedError.describe(error))
        }
    }
}

/// Prints an error as one line on stderr and exits non-zero.
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("crema: \(message)\n".utf8))
    exit(code)
}
