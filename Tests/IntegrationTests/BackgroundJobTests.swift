import CremaTestSupport
import Foundation
import Runtime
import Store
import Testing

@testable import Handlers

/// Each background job's own work, run once against a real database.
@Suite struct BackgroundJobTests {
    func jobs(_ app: TestApp) -> BackgroundJobs {
        BackgroundJobs(configuration: app.configuration, dependencies: app.dependencies, gate: .open)
    }

    @Test func everyJobIsItsOwnNamedService() async throws {
        try await TestApp.with { app, _ in
            let names = jobs(app).services.compactMap { ($0 as? PeriodicJob)?.name }
            #expect(
                names == [
                    "outbox sender (client)", "outbox sender (staff)", "birthday gifts", "points expiry", "clean-up",
                    "dashboard snapshots", "broadcast progress", "webhook deliveries",
                ])
        }
    }

    @Test func theCleanUpForgetsUpdatesOlderThanTwoDaysAndKeepsTheRest() async throws {
        try await TestApp.with { app, _ in
            let fixture = try await LoyaltyFixture.over(app.database)
            let now = app.dependencies.clock.now
            for (id, age) in [(1, 3 * 24 * 3600.0), (2, 3600.0)] {
                _ = try await fixture.count(
                    """
                    INSERT INTO telegram_updates (bot, update_id, kind, received_at)
                    VALUES ('client', \(id), 'message', \(now.addingTimeInterval(-age))) RETURNING 1
                    """
                )
            }
            try await jobs(app).cleanUp.runOnce()
            #expect(try await fixture.count("SELECT count(*)::int FROM telegram_updates WHERE update_id = 1") == 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM telegram_updates WHERE update_id = 2") == 1)
        }
    }

    @Test func theDashboardSnapshotsFollowTheTimeZoneSetInThePanel() async throws {
        try await TestApp.with { app, _ in
            let fixture = try await LoyaltyFixture.over(app.database)
            _ = try await fixture.count("UPDATE settings SET value = '\"Asia/Tokyo\"' WHERE key = 'time_zone' RETURNING 1")
            try await jobs(app).dashboardSnapshots.runOnce()
            #expect(try await fixture.count("SELECT count(*)::int FROM dashboard_snapshots WHERE time_zone = 'Asia/Tokyo'") == 3)
        }
    }
}
