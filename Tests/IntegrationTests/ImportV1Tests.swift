import CremaTestSupport
import Domain
import Foundation
import Logging
import PostgresNIO
import Store
import Testing

/// `crema import-v1` against a v1 database built from its exact schema, with the mess real
/// cafés have: phones in five formats, a phone two guests share, a Telegram id that is not a
/// number, a negative balance, an order of a deleted guest, gift counters that disagree.
@Suite struct ImportV1Tests {
    static let messyCafe = [
        """
        INSERT INTO public.baristas (id, telegram_id, first_name, last_name, is_admin, is_active) VALUES
            (1, '2000001', 'Иван', 'Петров', true, true), (2, 'ivan-2', 'Ольга', NULL, false, true), (3, '2000003', NULL, NULL, false, false)
        """,
        """
        INSERT INTO public.users (id, telegram_id, phone, first_name, last_name, birth_date, loyalty_status, points, drinks_count,
                                  sandwiches_count, gift_drinks, gift_sandwiches, is_active, role) VALUES
            (1, '1000001', '+7 900 111-22-33', 'Анна', 'Смирнова', '1990-05-01', 'silver', 340, 12, 1, 1, 0, true, 'client'),
            (2, '1000002', '89001112234', 'Борис', NULL, NULL, 'gold', 120, 55, 3, 2, 2, true, 'client'),
            (3, '1000003', '7 (900) 111-22-35', 'Вера', NULL, '2150-01-01', 'standard', -50, 1, 0, 0, 0, true, 'client'),
            (4, '1000004', '8 (900) 555-00-00', 'Глеб', NULL, NULL, 'standard', 10, 0, 0, 0, 0, true, 'client'),
            (5, '1000005', '+7 900 555 00 00', 'Глеб', 'Второй', NULL, 'standard', 20, 0, 0, 0, 0, true, 'client'),
            (6, 'abc123', '+7-900-777-00-00', 'Дина', NULL, NULL, 'standard', 70, 0, 0, 0, 0, true, 'client'),
            (7, '1000007', '+7-900-111-22-37', 'Егор', NULL, NULL, 'standard', 0, 0, 0, 0, 0, true, 'client'),
            (8, '1000008', NULL, 'Жанна', NULL, NULL, 'standard', 15, 0, 0, 0, 0, true, 'client'),
            (9, '1000009', '8 900 111 22 39', 'Злата', NULL, NULL, 'platinum', 500, 120, 0, 0, 0, false, 'client'),
            (10, '1000010', '+79001112240', 'Бариста', NULL, NULL, 'standard', 0, 0, 0, 0, 0, true, 'barista')
        """,
        """
        INSERT INTO public.orders (id, user_id, barista_id, code_id, receipt_number, total_sum, drinks_count, sandwiches_count,
                                   use_points, used_points_amount, date_created) VALUES
            (1, 1, 1, NULL, 'R1', 500, 2, 0, false, 0, '2025-03-01 10:00+03'),
            (2, 1, 3, NULL, 'R2', 300, 1, 0, true, 100, '2025-03-02 10:00+03'),
            (3, 2, NULL, NULL, 'R3', 15000, 30, 3, false, NULL, '2025-03-03 10:00+03'),
            (4, NULL, 1, NULL, 'R4', 450, 1, 0, false, 0, '2025-03-04 10:00+03'),
            (5, 4, 1, NULL, 'R5', 250, 1, 0, false, 0, '2025-03-05 10:00+03'),
            (6, 1, 1, NULL, 'R6', 0, 0, 0, false, 0, '2025-03-06 10:00+03'),
            (7, 1, 2, NULL, 'R7', 200, 1, 0, NULL, NULL, '2025-03-07 10:00+03')
        """,
        """
        INSERT INTO public.gifts (id, user_id, type, amount, created_by, date_created, is_written_off) VALUES
            (1, 1, 'drink', 1, NULL, '2025-04-01 10:00+03', false),
            (2, 2, 'drink', 1, 1, '2025-04-02 10:00+03', false),
            (3, 1, 'sandwich', 1, 1, '2025-04-03 10:00+03', true),
            (4, 3, 'cake', 1, 1, '2025-04-04 10:00+03', false),
            (5, 2, 'sandwich', 2, 1, '2025-04-05 10:00+03', NULL)
        """,
        """
        INSERT INTO public.feedbacks (id, user_id, score, text, created_at) VALUES
            (1, 1, 9, 'Отлично', '2025-05-01 10:00+03'), (2, 2, NULL, 'Холодно в зале', '2025-05-02 10:00+03'),
            (3, 3, 11, NULL, '2025-05-03 10:00+03')
        """,
        "INSERT INTO public.ideas (id, user_id, text, created_at) VALUES (1, 1, 'Овсяное молоко', '2025-05-04 10:00+03')",
    ]

    static func importing(
        _ source: DatabaseURL, into target: Database, dryRun: Bool = false, batchSize: Int = 2
    ) async throws -> ImportReconciliation {
        let logger = Logger(label: "crema.test.import")
        return try await RunningDatabase.with(url: source, maximumConnections: 2) { v1 in
            try await V1Import(
                source: V1Source(database: v1, logger: logger), target: target,
                options: .init(dryRun: dryRun, locationSlug: "main", giftValidDays: 30, batchSize: batchSize), logger: logger
            ).run(at: TestDefaults.now)
        }
    }

    @Test func aDryRunReportsEveryRowAndItsReasonAndChangesNothing() async throws {
        try await V1Database.with(Self.messyCafe) { source in
            try await LoyaltyFixture.with { fixture in
                let report = try await Self.importing(source, into: fixture.database, dryRun: true)
                #expect(report.users.read == 10 && report.users.imported == 5 && report.users.refused.count == 5)
                #expect(
                    report.baristas.imported == 2
                        && report.baristas.refused.map(\.description) == [
                            "v1 baristas 2: Telegram id \"ivan-2\" is not a number"
                        ])
                let refusals = report.tallies.flatMap(\.refused).map(\.description)
                #expect(refusals.contains("v1 users 4: phone +79005550000 is also on users 5"))
                #expect(refusals.contains("v1 users 5: phone +79005550000 is also on users 4"))
                #expect(refusals.contains("v1 users 6: Telegram id \"abc123\" is not a number"))
                #expect(refusals.contains("v1 users 8: no phone number"))
                #expect(refusals.contains("v1 users 10: not a guest (role barista); staff come from baristas"))
                #expect(refusals.contains("v1 orders 4: no guest (user_id is empty)"))
                #expect(refusals.contains("v1 orders 5: its guest users 4 is not imported"))
                #expect(refusals.contains("v1 orders 6: total 0 ₽ is not a sale"))
                #expect(refusals.contains("v1 gifts 4: type \"cake\" is neither drink nor sandwich"))
                #expect(refusals.contains("v1 feedbacks 3: score 11 is outside 1–10 and there are no words"))
                let notes = report.users.notes.map(\.description)
                #expect(notes.contains("v1 users 3: balance -50 not taken in (v1 never allowed a negative balance)"))
                #expect(notes.contains("v1 users 3: birth date 2150-01-01 left out: not a possible birth date"))
                #expect(notes.contains("v1 users 2: gift_drinks says 2, gift rows hold 1 (the rows come in)"))
                #expect((report.orders.read, report.orders.imported, report.orders.refused.count) == (7, 4, 3))
                #expect((report.gifts.imported, report.gifts.historyOnly, report.giftsIssued) == (3, 1, 4))
                #expect(report.feedback.imported == 3)
                // 340 + 120 − 50 + 10 + 20 + 70 + 0 + 15 + 500 in; 340 + 120 + 0 + 0 + 500 out.
                #expect(
                    (report.pointsIn, report.pointsOut, report.pointsOfRefusedGuests, report.negativePointsLeftOut) == (1025, 960, 115, -50)
                )
                #expect(
                    (report.ordersSumIn, report.ordersSumOut, report.ordersSumRefused) == (.rubles(16_700), .rubles(16_000), .rubles(700)))
                #expect(report.balances)
                #expect(report.lines().first == "v1 import, dry run: nothing was changed")
                #expect(report.lines().contains("reconciled: every point and ruble is accounted for"))

                let written = try await fixture.count(
                    """
                    SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM staff)
                         + (SELECT count(*) FROM customer_gifts) + (SELECT count(*) FROM feedback) + (SELECT count(*) FROM audit_log)
                    """)
                #expect(written == 0)
            }
        }
    }

    @Test func aRealRunBringsTheCafeInAndASecondRunImportsNothingTwice() async throws {
        try await V1Database.with(Self.messyCafe) { source in
            try await LoyaltyFixture.with { fixture in
                let first = try await Self.importing(source, into: fixture.database)
                #expect((first.users.imported, first.orders.imported, first.gifts.imported, first.feedback.imported) == (5, 4, 3, 3))
                #expect(first.lines().first == "v1 import into location main: done")

                let anna = try #require(try await fixture.store.customer(telegramID: 1_000_001))
                #expect(anna.phone.e164 == "+79001112233" && anna.firstName == "Анна" && anna.lastName == "Смирнова")
                #expect(anna.account.balance == 340 && anna.account.tier == .silver)
                #expect(anna.account.qualificationSpend == .rubles(1_000))
                #expect(
                    try await fixture.count(
                        """
                        SELECT count(*) FROM points_ledger l JOIN customers c ON c.id = l.customer_id
                        WHERE c.telegram_id = 1000001 AND l.kind = 'import' AND l.points = 340
                          AND l.reason = 'opening balance from v1 users 1'
                        """) == 1)
                let boris = try #require(try await fixture.store.customer(telegramID: 1_000_002))
                #expect(boris.account.tier == .gold && boris.account.qualificationSpend == .rubles(15_000))
                let vera = try #require(try await fixture.store.customer(telegramID: 1_000_003))
                #expect(vera.account.balance == 0 && vera.birthDate == nil)
                #expect(
                    try await fixture.count(
                        "SELECT count(*) FROM customers WHERE telegram_id = 1000009 AND blocked_at IS NOT NULL AND tier = 'platinum'") == 1)
                #expect(try await fixture.count("SELECT count(*) FROM staff WHERE import_source IS NOT NULL") == 2)
                #expect(
                    try await fixture.count(
                        "SELECT count(*) FROM staff WHERE telegram_id = 2000001 AND role = 'manager' AND display_name = 'Иван Петров'") == 1
                )
                #expect(try await fixture.count("SELECT count(*) FROM orders WHERE import_source IS NOT NULL") == 4)
                #expect(try await fixture.count("SELECT count(*) FROM points_ledger WHERE order_id IS NOT NULL") == 0)
                #expect(
                    try await fixture.count(
                        """
                        SELECT count(*) FROM customer_gifts g JOIN customers c ON c.id = g.customer_id
                        WHERE c.telegram_id = 1000002 AND g.expires_at = \(TestDefaults.now.addingTimeInterval(30 * 86_400))
                        """) == 3)
                #expect(
                    try await fixture.count("SELECT count(*) FROM feedback WHERE kind = 'review' AND rating = 9 AND status = 'done'") == 1)
                #expect(try await fixture.count("SELECT count(*) FROM feedback WHERE kind = 'message' AND body = 'Холодно в зале'") == 1)
                #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'import.v1' AND actor_kind = 'system'") == 1)
                #expect(try await fixture.checkLedger().isClean)

                let tables =
                    "(SELECT count(*) FROM customers) * 1000000 + (SELECT count(*) FROM orders) * 10000 + (SELECT count(*) FROM customer_gifts) * 100 + (SELECT count(*) FROM feedback)"
                let before = try await fixture.count(PostgresQuery(unsafeSQL: "SELECT \(tables)"))
                let second = try await Self.importing(source, into: fixture.database)
                #expect(
                    (
                        second.users.imported, second.orders.imported, second.gifts.imported, second.feedback.imported,
                        second.baristas.imported
                    ) == (0, 0, 0, 0, 0))
                #expect((second.users.alreadyImported, second.orders.alreadyImported, second.gifts.alreadyImported) == (5, 4, 3))
                #expect(second.pointsOut == first.pointsOut && second.balances)
                #expect(try await fixture.count(PostgresQuery(unsafeSQL: "SELECT \(tables)")) == before)
                #expect(try await fixture.checkLedger().isClean)
            }
        }
    }

    @Test func anImportedGuestBuysAtOnceKeepsTheirTierFloorAndTheirHistoryStaysHistory() async throws {
        try await V1Database.with(Self.messyCafe) { source in
            try await LoyaltyFixture.with { fixture in
                _ = try await Self.importing(source, into: fixture.database)
                let anna = try #require(try await fixture.store.customer(telegramID: 1_000_001))
                let barista = try await fixture.staff(.manager)
                let code = try await fixture.store.issueCode(customerID: anna.id, at: TestDefaults.now).code
                let sale = try await fixture.store.confirmSale(
                    SaleRequest(idempotencyKey: "after-import", guest: .code(code), amount: .rubles(1_000), redeem: .points(100)),
                    by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now)
                #expect(sale.quote.pointsRedeemed == 100)
                let cancelled = try await fixture.store.cancelSale(
                    orderID: sale.orderID, by: barista, reason: "mistake", at: TestDefaults.now)
                // Spend falls back to 1 000 ₽ (Standard by spend), but v1's Silver is the floor.
                #expect(cancelled.tierAfter == .silver)
                let history = try await fixture.count("SELECT id FROM orders WHERE import_source = 'v1:orders:1'")
                await #expect(throws: LoyaltyError.importedOrder) {
                    _ = try await fixture.store.cancelSale(orderID: Int64(history), by: barista, reason: "old", at: TestDefaults.now)
                }
                #expect(try await fixture.checkLedger().isClean)
            }
        }
    }
}
