import CremaTestSupport
import Domain
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Store

/// What one update's transaction reads once: the rows its first statement fetched with the
/// update-log row (kept current by the transaction's own writes), and the owner's settings.
/// Another session's changes show the memo in use: the transaction answers from what it read.
@Suite struct TransactionMemoTests {
    struct Step: ConversationState {
        var step: String
    }

    @Test func theFirstStatementFetchesTheChatsStepAndTheStaffMember() async throws {
        try await LoyaltyFixture.with { fixture in
            let now = TestDefaults.now
            #expect(
                try await fixture.count(
                    """
                    WITH member AS (INSERT INTO staff (telegram_id, display_name, role, location_id)
                                    VALUES (42, 'Анна', 'barista', \(fixture.mainLocationID)) RETURNING 1)
                    SELECT count(*)::int FROM member
                    """) == 1)
            try await store(fixture).pool.conversations(.staff, as: Step.self).set(Step(step: "amount"), chatID: 42, at: now)

            try await store(fixture).transaction { tx in
                let fresh = try await tx.updates.record(
                    bot: .staff, updateID: 1, kind: "message", at: now, prefetching: .init(chatID: 42, staffTelegramID: 42))
                #expect(fresh)
                // Committed by someone else after the fetch: this transaction answers from the fetch.
                #expect(
                    try await fixture.count(
                        "WITH renamed AS (UPDATE staff SET display_name = 'Ольга' RETURNING 1) SELECT count(*)::int FROM renamed") == 1)
                #expect(try await fixture.count("WITH gone AS (DELETE FROM conversations RETURNING 1) SELECT count(*)::int FROM gone") == 1)
                #expect(try await tx.staff.member(telegramID: 42)?.displayName == "Анна")
                #expect(try await tx.conversations(.staff, as: Step.self).current(chatID: 42, at: now) == Step(step: "amount"))
                // The member is handed out once; a second read asks PostgreSQL.
                #expect(try await tx.staff.member(telegramID: 42)?.displayName == "Ольга")
            }
        }
    }

    @Test func theTransactionsOwnWritesKeepTheFetchedStepCurrent() async throws {
        try await LoyaltyFixture.with { fixture in
            let now = TestDefaults.now
            try await store(fixture).transaction { tx in
                #expect(try await tx.updates.record(bot: .client, updateID: 7, kind: "message", at: now, prefetching: .init(chatID: 5)))
                let steps = tx.conversations(.client, as: Step.self)
                #expect(try await steps.current(chatID: 5, at: now) == nil)
                try await steps.clear(chatID: 5)  // known to have none: nothing to delete
                try await steps.set(Step(step: "review"), chatID: 5, at: now)
                #expect(try await steps.current(chatID: 5, at: now) == Step(step: "review"))
                try await steps.clear(chatID: 5)
                #expect(try await steps.current(chatID: 5, at: now) == nil)
                try await steps.set(Step(step: "birthday"), chatID: 5, at: now)
            }
            #expect(try await fixture.text("SELECT state FROM conversations WHERE bot = 'client' AND chat_id = 5") == "birthday")
            // Another bot's chat with the same id is another row.
            #expect(try await store(fixture).pool.conversations(.staff, as: Step.self).current(chatID: 5, at: now) == nil)
        }
    }

    @Test func aRedeliveredUpdateFetchesNothingAndSaysSo() async throws {
        try await LoyaltyFixture.with { fixture in
            let now = TestDefaults.now
            let first = try await store(fixture).transaction { tx in
                try await tx.updates.record(
                    bot: .staff, updateID: 9, kind: "message", at: now, prefetching: .init(chatID: 1, staffTelegramID: 1))
            }
            let again = try await store(fixture).transaction { tx in
                let fresh = try await tx.updates.record(
                    bot: .staff, updateID: 9, kind: "message", at: now, prefetching: .init(chatID: 1, staffTelegramID: 1))
                return fresh ? "fresh" : tx.session.memo?.conversation(bot: .staff, chatID: 1) == nil ? "duplicate" : "fetched"
            }
            #expect(first)
            #expect(again == "duplicate")
            #expect(try await fixture.count("SELECT count(*)::int FROM telegram_updates WHERE update_id = 9") == 1)
        }
    }

    @Test func settingsAreReadOncePerTransactionAndAfreshByTheNext() async throws {
        try await LoyaltyFixture.with { fixture in
            let (during, next) = try await store(fixture).transaction { tx in
                let first = try await tx.settings().codeLifetimeSeconds
                #expect(
                    try await fixture.count(
                        "WITH changed AS (UPDATE settings SET value = '120' WHERE key = 'payment_code_ttl_seconds' RETURNING 1) SELECT count(*)::int FROM changed"
                    ) == 1)
                return (first, try await tx.settings().codeLifetimeSeconds)
            }
            #expect(during == 90 && next == 90, "one update computes with one set of rules")
            #expect(try await store(fixture).transaction { tx in try await tx.settings().codeLifetimeSeconds } == 120)
            #expect(try await store(fixture).pool.settings().codeLifetimeSeconds == 120)
        }
    }

    @Test func theFirstStatementFetchesTheSettingsAsAFullReadWouldGiveThem() async throws {
        try await LoyaltyFixture.with { fixture in
            let now = TestDefaults.now
            #expect(
                try await fixture.count(
                    """
                    WITH changed AS (UPDATE settings SET value = CASE key WHEN 'payment_code_ttl_seconds' THEN '120'::jsonb
                                                                         WHEN 'time_zone' THEN '"Asia/Yekaterinburg"'::jsonb
                                                                         ELSE 'null'::jsonb END
                                     WHERE key IN ('payment_code_ttl_seconds', 'time_zone', 'code_hold_minutes') RETURNING 1)
                    SELECT count(*)::int FROM changed
                    """) == 3)
            let expected = try await store(fixture).pool.settings()
            #expect(expected.codeLifetimeSeconds == 120 && expected.timeZone == "Asia/Yekaterinburg" && expected.codeHoldMinutes == 5)
            let fetched = try await store(fixture).transaction { tx in
                #expect(
                    try await tx.updates.record(
                        bot: .client, updateID: 3, kind: "message", at: now, prefetching: .init(chatID: 5, settings: true)))
                // Changed by someone else after the fetch: the transaction computes with what it fetched.
                #expect(
                    try await fixture.count(
                        "WITH changed AS (UPDATE settings SET value = '30' WHERE key = 'payment_code_ttl_seconds' RETURNING 1) SELECT count(*)::int FROM changed"
                    ) == 1)
                return try await tx.settings()
            }
            #expect(fetched == expected)
        }
    }

    @Test func theFirstStatementFetchesTheRunningCampaignsForTheQuote() async throws {
        try await LoyaltyFixture.with { fixture in
            let now = TestDefaults.now
            let campaigns = CampaignStore(database: fixture.database, logger: fixture.logger)
            let doubled = try await campaigns.create(
                name: "Двойные", multiplier: PointsMultiplier(percent: 200), createdBy: "admin:owner", at: now)
            let expected = try await store(fixture).pool.loyalty.runningCampaigns()
            #expect(expected.map(\.id) == [doubled])
            let (fetched, without) = try await store(fixture).transaction { tx in
                #expect(
                    try await tx.updates.record(
                        bot: .staff, updateID: 4, kind: "message", at: now, prefetching: .init(chatID: 5, campaigns: true)))
                // Paused by the owner after the fetch: this update's quote still counts it.
                #expect(try await campaigns.setStatus(doubled, .paused, by: "admin:owner", at: now))
                return (try await tx.loyalty.runningCampaigns(), try await store(fixture).pool.loyalty.runningCampaigns())
            }
            #expect(fetched == expected)
            #expect(without.isEmpty)
        }
    }

    @Test func theFirstStatementFetchesTheGuestAsAReadByTelegramIDWouldGiveThem() async throws {
        try await LoyaltyFixture.with { fixture in
            let now = TestDefaults.now
            let maria = try await fixture.guest(111_111_111)
            _ = try await fixture.store.adjustPoints(customerID: maria.id, by: 40, reason: "Извинение", actor: .system, at: now)
            let expected = try #require(try await fixture.store.customer(telegramID: 111_111_111))
            try await store(fixture).transaction { tx in
                let prefetch = UpdateLog.Prefetch(chatID: 111_111_111, guestTelegramID: 111_111_111, settings: true)
                let fresh = try await tx.updates.record(bot: .client, updateID: 8, kind: "message", at: now, prefetching: prefetch)
                #expect(fresh)
                #expect(
                    try await fixture.count(
                        "WITH renamed AS (UPDATE customers SET first_name = 'Маша' RETURNING 1) SELECT count(*)::int FROM renamed") == 1)
                // Handed out once, as fetched; a second read asks PostgreSQL.
                #expect(try await tx.loyalty.customer(telegramID: 111_111_111) == expected)
                #expect(try await tx.loyalty.customer(telegramID: 111_111_111)?.firstName == "Маша")
            }
            try await store(fixture).transaction { tx in
                let prefetch = UpdateLog.Prefetch(chatID: 222_222_222, guestTelegramID: 222_222_222)
                let fresh = try await tx.updates.record(bot: .client, updateID: 9, kind: "message", at: now, prefetching: prefetch)
                #expect(fresh)
                _ = try await fixture.guest(222_222_222, name: "Пётр")
                #expect(try await tx.loyalty.customer(telegramID: 222_222_222) == nil, "a stranger when the update arrived")
                #expect(try await tx.loyalty.customer(telegramID: 222_222_222)?.firstName == "Пётр")
            }
        }
    }

    private func store(_ fixture: LoyaltyFixture) -> Store {
        Store(database: fixture.database, logger: fixture.logger) { PaymentCode(number: 123_456) }
    }
}
