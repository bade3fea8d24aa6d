import Foundation
import Logging
import Runtime
import ServiceLifecycle
import Store

/// The jobs every instance runs beside the HTTP server, each its own `Service` with its own name
/// in the logs and its own backoff. They start only once the schema is known to be current
/// (`gate`), so an instance that refuses an old schema exits without having touched it.
///
/// Settings the owner edits in the panel (the time zone, the sending rate) are read on every run,
/// so a change takes effect without a restart.
struct BackgroundJobs {
    let configuration: AppConfiguration
    let dependencies: AppDependencies
    let gate: StartGate

    var services: [any Service] {
        OutboxStore.Bot.allCases.map(outboxSender) + [
            birthdayGifts, pointsExpiry, cleanUp, dashboardSnapshots, broadcastProgress, webhookDeliveries,
        ]
    }

    private var logger: Logger { dependencies.logger }

    /// One sender per bot on every instance; only the holder of the bot's advisory lock sends,
    /// the others check back every few seconds.
    func outboxSender(for bot: OutboxStore.Bot) -> PeriodicJob {
        let stores = dependencies.store.pool
        let sender = OutboxSender(
            bot: bot, store: OutboxStore(database: dependencies.database, logger: logger),
            api: configuration.telegram.api(for: bot), clock: dependencies.clock, logger: logger,
            live: {
                let settings = try await stores.settings()
                let renderer = NotificationRenderer(timeZone: TimeZone(identifier: settings.timeZone) ?? .current)
                return OutboxSender.Live(messagesPerSecond: settings.broadcastMessagesPerSecond, render: renderer.render)
            }
        )
        return PeriodicJob(
            "outbox sender (\(bot.rawValue))", every: .seconds(5), backoff: .seconds(2), maximumBackoff: .seconds(30),
            after: gate, logger: logger
        ) {
            try await sender.leadAndSend()
        }
    }

    /// Gives today's birthday guests their gift, in the café's time zone: soon after start-up and
    /// every few minutes after, so a guest who registers on their birthday still gets it that day.
    /// Each run is idempotent and one instance runs it at a time.
    var birthdayGifts: PeriodicJob {
        let (stores, clock, logger) = (dependencies.store.pool, dependencies.clock, logger)
        return PeriodicJob("birthday gifts", every: .seconds(300), backoff: .seconds(30), after: gate, logger: logger) {
            let issued = try await BirthdayRun(stores: stores, clock: clock).run()
            if issued.gifts > 0 { logger.info("birthday gifts issued", metadata: ["count": "\(issued.gifts)", "day": "\(issued.day)"]) }
        }
    }

    /// Expires points whose day has come and tells guests about points about to expire, in the
    /// café's time zone: soon after start-up and every few minutes after. Every run is idempotent
    /// (lots are emptied and marked reminded under locks), so instances may overlap.
    var pointsExpiry: PeriodicJob {
        let (stores, clock, logger) = (dependencies.store.pool, dependencies.clock, logger)
        return PeriodicJob("points expiry", every: .seconds(300), backoff: .seconds(30), after: gate, logger: logger) {
            let (day, report) = try await ExpiryRun(stores: stores, clock: clock).run()
            if report != ExpiryReport() {
                logger.info(
                    "points expiry ran",
                    metadata: [
                        "day": "\(day)", "expired_points": "\(report.expiredPoints)", "expired_lots": "\(report.expiredLots)",
                        "reminded": "\(report.reminded)",
                    ])
            }
        }
    }

    /// Forgets processed updates after two days (Telegram redelivers for at most one), finished
    /// rate-limit windows, expired idempotency records and admin sessions, and delivered outbox
    /// messages after `outbox_retention_days`.
    var cleanUp: PeriodicJob {
        let (database, store, updates) = (dependencies.database, dependencies.store, dependencies.store.pool.updates)
        let (clock, logger) = (dependencies.clock, logger)
        return PeriodicJob("clean-up", every: .seconds(3600), backoff: .seconds(60), after: gate, logger: logger) {
            let removed = try await updates.prune(
                olderThan: clock.now.addingTimeInterval(-2 * 24 * 3600))
            _ = try await RateLimiter.prune(before: clock.now.addingTimeInterval(-3600), database: database, logger: logger)
            _ = try await IdempotencyStore.prune(before: clock.now, database: database, logger: logger)
            try await AdminSessions.prune(before: clock.now, database: database, logger: logger)
            let retention = try await store.pool.settings().outboxRetentionDays
            let messages = try await OutboxStore(database: database, logger: logger).prune(
                before: clock.now.addingTimeInterval(-Double(retention) * 86_400))
            if messages > 0 { logger.info("pruned delivered outbox messages", metadata: ["count": "\(messages)"]) }
            if removed > 0 { logger.info("pruned processed Telegram updates", metadata: ["count": "\(removed)"]) }
        }
    }

    /// Keeps the admin dashboard's periods computed in the café's time zone, so opening it never
    /// waits on the sums. One instance does each refresh (the snapshot row is claimed first).
    var dashboardSnapshots: PeriodicJob {
        let snapshots = DashboardSnapshots(database: dependencies.database, logger: logger)
        let (stores, clock) = (dependencies.store.pool, dependencies.clock)
        return PeriodicJob("dashboard snapshots", every: .seconds(300), backoff: .seconds(60), after: gate, logger: logger) {
            let timeZone = try await stores.settings().timeZone
            for days in [7, 30, 90] {
                try await snapshots.refresh(days: days, timeZone: timeZone, at: clock.now, interval: 4 * 60)
            }
        }
    }

    /// Edits running broadcasts' progress messages every few seconds. Every instance runs this;
    /// two reporting at once only repeat an edit, which Telegram answers "not modified".
    var broadcastProgress: PeriodicJob {
        let reporter = BroadcastProgressReporter(store: dependencies.store)
        let clock = dependencies.clock
        return PeriodicJob("broadcast progress", every: .seconds(3), backoff: .seconds(10), after: gate, logger: logger) {
            try await reporter.reportOnce(at: clock.now)
        }
    }

    /// Delivers partner webhooks every second on every instance; deliveries are claimed under
    /// row locks, so instances share the work and none is sent twice at once.
    var webhookDeliveries: PeriodicJob {
        let sender = WebhookSender(
            queue: WebhookQueue(database: dependencies.database, logger: logger),
            address: WebhookAddress(environment: configuration.environment), clock: dependencies.clock, logger: logger,
            alert: { url, error in
                String(decoding: (try? Notice.webhookDisabled(.init(url: url, error: error)).encoded()) ?? Data("{}".utf8), as: UTF8.self)
            })
        return PeriodicJob(
            "webhook deliveries", every: .seconds(1), backoff: .seconds(5), maximumBackoff: .seconds(60), after: gate, logger: logger
        ) {
            try await sender.sendDue()
        }
    }
}
