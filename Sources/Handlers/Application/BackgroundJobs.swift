import AsyncHTTPClient
import Foundation
import Logging
import Runtime
import ServiceLifecycle
import Store

/// The jobs every instance runs beside the HTTP server: one outbox sender per bot (only the
/// holder of that bot's advisory lock sends) and the periodic clean-up.
///
/// They start only once the schema is known to be current (`schemaReady` yields), so an instance
/// that refuses an old schema exits without having touched it.
struct BackgroundJobs: Service {
    let configuration: AppConfiguration
    let dependencies: AppDependencies
    let schemaReady: AsyncStream<Void>

    func run() async throws {
        var ready = schemaReady.makeAsyncIterator()
        guard await ready.next() != nil else {
            // The schema check failed and the app is stopping with its error; finishing first
            // would replace that error with "a service finished unexpectedly".
            try? await gracefulShutdown()
            return
        }
        let senders = try await makeSenders()
        let jobs = Task {
            await withDiscardingTaskGroup { group in
                for sender in senders {
                    group.addTask {
                        await sender.run()
                        dependencies.logger.debug("job finished", metadata: ["job": "outbox sender"])
                    }
                }
                group.addTask {
                    await pruneProcessedUpdates()
                    dependencies.logger.debug("job finished", metadata: ["job": "clean-up"])
                }
                group.addTask {
                    await refreshDashboards()
                    dependencies.logger.debug("job finished", metadata: ["job": "dashboard snapshots"])
                }
                group.addTask {
                    await reportBroadcastProgress()
                    dependencies.logger.debug("job finished", metadata: ["job": "broadcast progress"])
                }
            }
        }
        try? await gracefulShutdown()
        jobs.cancel()
        // A job stuck in a database call that never returns (seen when PostgreSQL restarts
        // mid-query) must not hold the shutdown: give them a moment, then leave.
        do {
            try await withDeadline(.seconds(3)) { await jobs.value }
        } catch {
            dependencies.logger.warning("a background job did not stop within 3 s; shutting down without it")
        }
    }

    private func makeSenders() async throws -> [OutboxSender] {
        let logger = dependencies.logger
        let store = OutboxStore(database: dependencies.database, logger: logger)
        let loyaltySettings = try await dependencies.loyalty.settings()
        let renderer = NotificationRenderer(timeZone: TimeZone(identifier: loyaltySettings.timeZone) ?? .current)
        var settings = OutboxSender.Settings()
        settings.messagesPerSecond = try await store.messagesPerSecond()
        let telegram = configuration.telegram
        return [(OutboxStore.Bot.client, telegram.clientBotToken), (.staff, telegram.staffBotToken)].map { bot, token in
            OutboxSender(
                bot: bot, store: store,
                api: BotAPIClient(http: .shared, baseURL: telegram.apiBaseURL, token: token),
                clock: dependencies.clock, settings: settings, logger: logger, render: renderer.render
            )
        }
    }

    /// Edits running broadcasts' progress messages every few seconds. Every instance runs
    /// this; two reporting at once only repeat an edit, which Telegram answers "not modified".
    private func reportBroadcastProgress() async {
        let reporter = BroadcastProgressReporter(database: dependencies.database, logger: dependencies.logger)
        while !Task.isCancelled {
            do {
                try await reporter.reportOnce(at: dependencies.clock.now)
                try await Task.sleep(for: .seconds(3))
            } catch is CancellationError {
                return
            } catch {
                dependencies.logger.warning("broadcast progress report failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(10))
            }
        }
    }

    /// Forgets processed updates after two days (Telegram redelivers for at most one), finished
    /// rate-limit windows and expired idempotency records.
    private func pruneProcessedUpdates() async {
        while !Task.isCancelled {
            do {
                let removed = try await UpdateLog(database: dependencies.database, logger: dependencies.logger).prune(
                    olderThan: dependencies.clock.now.addingTimeInterval(-2 * 24 * 3600)
                )
                _ = try await RateLimiter.prune(
                    before: dependencies.clock.now.addingTimeInterval(-3600), database: dependencies.database, logger: dependencies.logger
                )
                _ = try await IdempotencyStore.prune(before: dependencies.clock.now, database: dependencies.database, logger: dependencies.logger)
                try await AdminSessions.prune(before: dependencies.clock.now, database: dependencies.database, logger: dependencies.logger)
                if removed > 0 { dependencies.logger.info("pruned processed Telegram updates", metadata: ["count": "\(removed)"]) }
                try await Task.sleep(for: .seconds(3600))
            } catch is CancellationError {
                return
            } catch {
                dependencies.logger.warning("pruning Telegram updates failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }

    /// Keeps the admin dashboard's periods computed, so opening it never waits on the sums.
    /// One instance does each refresh (the snapshot row is claimed first).
    private func refreshDashboards() async {
        let snapshots = DashboardSnapshots(database: dependencies.database, logger: dependencies.logger)
        while !Task.isCancelled {
            do {
                let timeZone = try await dependencies.loyalty.settings().timeZone
                for days in [7, 30, 90] {
                    try await snapshots.refresh(days: days, timeZone: timeZone, at: dependencies.clock.now, interval: 4 * 60)
                }
                try await Task.sleep(for: .seconds(300))
            } catch is CancellationError {
                return
            } catch {
                dependencies.logger.warning("refreshing the dashboard failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }
}
