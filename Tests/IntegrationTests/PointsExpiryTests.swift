import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Points expire oldest first, on their day, once; the guest is told before, once per lot; the
/// ledger check proves the lots.
@Suite struct PointsExpiryTests {
    static let day: TimeInterval = 86_400

    func validity(_ months: Int, _ fixture: LoyaltyFixture) async throws {
        _ = try await fixture.count("UPDATE settings SET value = to_jsonb(\(months)::int) WHERE key = 'points_validity_months' RETURNING 1")
    }

    func lots(of guest: Customer, _ fixture: LoyaltyFixture) async throws -> [Int] {
        try await fixture.database.withConnection(logger: fixture.logger) { connection in
            try await connection.query(
                "SELECT remaining FROM point_lots WHERE customer_id = \(guest.id) ORDER BY earned_at, id", logger: fixture.logger
            ).collect().map { try $0.decode(Int.self) }
        }
    }

    func outbox(_ template: String, _ fixture: LoyaltyFixture) async throws -> [String] {
        try await fixture.database.withConnection(logger: fixture.logger) { connection in
            try await connection.query(
                "SELECT payload::text FROM outbox WHERE payload->>'template' = \(template) ORDER BY id", logger: fixture.logger
            ).collect().map { try $0.decode(String.self) }
        }
    }

    @Test func spendingDrawsTheOldestLotFirstAndACancelGivesPointsBackToTheirLots() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let now = TestDefaults.now
            try await fixture.sell(to: guest, rubles: 10_000, by: barista, at: now)  // lot 1: 100
            try await fixture.sell(to: guest, rubles: 5_000, by: barista, at: now.addingTimeInterval(60))  // lot 2: 50
            #expect(try await lots(of: guest, fixture) == [100, 50])
            let spend = try await fixture.sell(to: guest, rubles: 1_000, redeem: .points(120), by: barista, at: now.addingTimeInterval(120))
            #expect(try await lots(of: guest, fixture) == [0, 30])
            #expect(
                try await fixture.count("SELECT count(*)::int FROM points_ledger WHERE order_id = \(spend.orderID) AND kind = 'redeem'")
                    == 2)
            _ = try await fixture.store.cancelSale(
                orderID: spend.orderID, by: .admin(id: "owner"), reason: "wrong guest", at: now.addingTimeInterval(180))
            #expect(try await lots(of: guest, fixture) == [100, 50])
            // The guest's history shows the cancellation once, not once per lot.
            let history = try await fixture.store.recentActivity(customerID: guest.id)
            let reversals = history.filter { if case .points(kind: "redeem_reversal", _, _, _) = $0.kind { true } else { false } }
            #expect(reversals.map(\.kind) == [.points(kind: "redeem_reversal", points: 120, debt: 0, orderID: spend.orderID)])
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func pointsExpireOnTheirDayOnceAndTheGuestIsToldBeforeAndAfter() async throws {
        try await LoyaltyFixture.with { fixture in
            try await validity(2, fixture)
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let earned = TestDefaults.now  // 25 Nov 2026, Moscow
            try await fixture.sell(to: guest, rubles: 10_000, by: barista, at: earned)
            try await fixture.sell(to: guest, rubles: 3_000, by: barista, at: earned.addingTimeInterval(20 * Self.day))  // 15 Dec
            let expiry = try #require(try await fixture.store.upcomingExpiry(customerID: guest.id))
            #expect(expiry == UpcomingExpiry(points: 100, day: CalendarDate(year: 2027, month: 1, day: 25)))

            let store = fixture.store
            let early = CalendarDate(year: 2027, month: 1, day: 10)
            #expect(try await store.remindOfExpiringPoints(today: early, reminderDays: 14, at: earned) == 0)
            let reminderDay = CalendarDate(year: 2027, month: 1, day: 11)
            #expect(try await store.remindOfExpiringPoints(today: reminderDay, reminderDays: 14, at: earned) == 1)
            #expect(try await store.remindOfExpiringPoints(today: reminderDay.adding(days: 1), reminderDays: 14, at: earned) == 0)
            let reminders = try await outbox("points_expiring", fixture)
            #expect(reminders.count == 1)
            #expect(reminders.first?.contains("\"expires_on\": \"2027-01-25\"") == true)
            #expect(reminders.first?.contains("\"points\": 100") == true)

            let dayBefore = CalendarDate(year: 2027, month: 1, day: 24)
            #expect(try await store.expirePoints(today: dayBefore, at: earned) == ExpiryReport())
            let expiryDay = CalendarDate(year: 2027, month: 1, day: 25)
            let moment = expiryDay.start(in: TimeZone(identifier: "Europe/Moscow")!).addingTimeInterval(300)
            #expect(try await store.expirePoints(today: expiryDay, at: moment) == ExpiryReport(expiredLots: 1, expiredPoints: 100))
            #expect(try await store.expirePoints(today: expiryDay, at: moment) == ExpiryReport())
            #expect(try #require(try await store.customer(id: guest.id)).account.balance == 30)
            #expect(try await lots(of: guest, fixture) == [0, 30])
            let expired = try await outbox("points_expired", fixture)
            #expect(expired.count == 1)
            #expect(expired.first?.contains("\"balance\": 30") == true)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func aRefundedRedemptionsPointsReturnToALotThatHasSinceExpiredAndExpireOnTheNextRun() async throws {
        try await LoyaltyFixture.with { fixture in
            try await validity(1, fixture)
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let earned = TestDefaults.now
            try await fixture.sell(to: guest, rubles: 10_000, by: barista, at: earned)
            let spend = try await fixture.sell(to: guest, rubles: 1_000, redeem: .points(100), by: barista, at: earned)
            let day = CalendarDate(year: 2026, month: 12, day: 25)
            let later = day.start(in: TimeZone(identifier: "Europe/Moscow")!).addingTimeInterval(600)
            #expect(try await fixture.store.expirePoints(today: day, at: later) == ExpiryReport())
            _ = try await fixture.store.cancelSale(orderID: spend.orderID, by: .admin(id: "owner"), reason: "returned", at: later)
            #expect(try await fixture.store.expirePoints(today: day, at: later) == ExpiryReport(expiredLots: 1, expiredPoints: 100))
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func anExpiryRunConcurrentWithSalesLosesNothingAndTwoRunsExpireOnce() async throws {
        try await LoyaltyFixture.with { fixture in
            try await validity(1, fixture)
            let barista = try await fixture.staff(.barista)
            var guests: [Customer] = []
            for index in 0..<12 {
                let guest = try await fixture.guest(Int64(500_000_000 + index))
                try await fixture.sell(to: guest, rubles: 1_000, by: barista)  // 10 points each, expiring 25 Dec
                guests.append(guest)
            }
            let day = CalendarDate(year: 2026, month: 12, day: 25)
            let moment = day.start(in: TimeZone(identifier: "Europe/Moscow")!).addingTimeInterval(60)
            let store = fixture.store
            let reports = try await withThrowingTaskGroup(of: ExpiryReport?.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await store.expirePoints(today: day, at: moment, batch: 5) }
                }
                for guest in guests {
                    group.addTask {
                        do {
                            try await fixture.sell(to: guest, rubles: 100, redeem: .points(10), by: barista, at: moment)
                        } catch LoyaltyError.insufficientPoints {
                            // The job got there first.
                        }
                        return nil
                    }
                }
                var reports: [ExpiryReport] = []
                for try await report in group { if let report { reports.append(report) } }
                return reports
            }
            let expired = reports.reduce(0) { $0 + $1.expiredPoints }
            let redeemed = try await fixture.count("SELECT coalesce(-sum(points), 0)::int FROM points_ledger WHERE kind = 'redeem'")
            #expect(expired + redeemed == 120)
            #expect(
                try await fixture.count("SELECT count(*)::int FROM points_ledger WHERE kind = 'expiry'")
                    == reports.reduce(0) { $0 + $1.expiredLots })
            #expect(try await fixture.count("SELECT coalesce(sum(points_balance), 0)::int FROM customers") == 0)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func theLedgerCheckNamesALotThatDisagreesWithItsRows() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            try await fixture.sell(to: guest, rubles: 1_000, by: try await fixture.staff(.barista))
            _ = try await fixture.count("UPDATE point_lots SET remaining = remaining + 5 RETURNING 1")
            let problems = try await fixture.checkLedger().problems
            #expect(problems.contains { $0.hasPrefix("lot ") && $0.contains("differs from its opening plus its ledger rows") })
            #expect(problems.contains { $0 == "customer \(guest.id): the lots do not add up to the balance" })
        }
    }
}

/// The synthetic history benchmarks use has lots like the engine's, so the expiry job and the
/// ledger check run on it as on a café's.
@Suite struct ScaleSeedLotsTests {
    @Test func aSeededHistoryHasLotsThatExpireCleanly() async throws {
        try await LoyaltyFixture.with { fixture in
            _ = try await fixture.count("UPDATE settings SET value = to_jsonb(12) WHERE key = 'points_validity_months' RETURNING 1")
            try await ScaleSeed(customers: 50, orders: 800, batchSize: 300).run(
                on: fixture.database, logger: fixture.logger, at: TestDefaults.now, report: { _ in })
            #expect(try await fixture.count("SELECT count(*)::int FROM point_lots") == 800)
            #expect(try await fixture.checkLedger().isClean)
            let today = CalendarDate(TestDefaults.now, in: TimeZone(identifier: "Europe/Moscow")!)
            let report = try await fixture.store.expirePoints(today: today, at: TestDefaults.now, batch: 7)
            #expect(report.expiredLots > 0)
            #expect(
                report.expiredLots
                    == (try await fixture.count("SELECT count(*)::int FROM point_lots WHERE expires_on <= \(today.description)::date")))
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM point_lots WHERE remaining > 0 AND expires_on <= \(today.description)::date") == 0)
            #expect(try await fixture.checkLedger().isClean)
        }
    }
}
