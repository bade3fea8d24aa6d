import CremaTestSupport
import Domain
import Foundation
import Handlers
import Store
import Testing

/// Points-multiplier campaigns in the engine: the barista's quote shows the campaign's points
/// before Confirm, the order keeps them with the campaign's version, the receipt names it, and
/// a cancellation takes back exactly what was granted.
@Suite struct CampaignSaleTests {
    static let happyHours = "Счастливые часы"

    @Test func aHappyHourSaleAtTheTillShowsKeepsAndNamesTheCampaignsPoints() async throws {
        try await StaffDesk.with { app, fixture, desk in
            let campaign = try await CampaignStore(database: app.database, logger: fixture.logger).create(
                name: Self.happyHours, multiplier: PointsMultiplier(percent: 200), createdBy: "admin:owner", at: TestDefaults.now)
            let barista = try await desk.bind(.barista, userID: 500)
            let maria = try await fixture.guest()
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code

            try await barista.send(text: code.digits)
            let quote = try await barista.send(text: "450")
            // Standard earns 1 %: 4 points; ×2 makes 9, 5 of them the campaign's.
            #expect(
                quote.text
                    == "Заказ: 450 ₽\nК оплате: 450 ₽\nНачислится: 9 баллов\nв т.ч. по акции «Счастливые часы»: +5\nУровень после покупки: Стандарт"
            )
            _ = try await barista.press(try #require(quote.inlineData.first), messageID: 77)

            let orderID = try await fixture.count("SELECT id::int FROM orders")
            #expect(try await fixture.count("SELECT points_earned FROM orders") == 9)
            #expect(
                try await fixture.count(
                    "SELECT points FROM order_campaign_effects WHERE order_id = \(orderID) AND campaign_id = \(campaign) AND version = 1")
                    == 5)
            let receipt = try #require(try await OutboxRows(app.database).all().last { $0.bot == "client" })
            let lines = try Self.text(of: receipt).split(separator: "\n").map(String.init)
            #expect(lines.contains("Начислено баллов: 9"))
            #expect(lines.contains("в т.ч. по акции «Счастливые часы»: +5"))

            let listed = try #require(try await CampaignStore(database: app.database, logger: fixture.logger).list().first)
            #expect(listed.sales == 1 && listed.points == 5 && listed.revenue == .rubles(450))
            let order = try #require(try await fixture.store.order(id: Int64(orderID)))
            #expect(
                order.sale.quote.campaignEffects == [CampaignEffect(campaignID: campaign, version: 1, name: Self.happyHours, points: 5)])

            let manager = try await fixture.staff(.manager)
            _ = try await fixture.store.cancelSale(orderID: Int64(orderID), by: manager, reason: "ошибка", at: TestDefaults.now)
            #expect(try await fixture.count("SELECT points_balance FROM customers WHERE id = \(maria.id)") == 0)
            #expect(try await fixture.checkLedger().isClean)
            let afterCancel = try #require(try await CampaignStore(database: app.database, logger: fixture.logger).list().first)
            #expect(afterCancel.sales == 0 && afterCancel.points == 0)
        }
    }

    @Test func aPausedEndedOrClosedCampaignGrantsNothingAndHistoryStays() async throws {
        try await LoyaltyFixture.with { fixture in
            let campaigns = CampaignStore(database: fixture.database, logger: fixture.logger)
            let barista = try await fixture.staff(.barista)
            let maria = try await fixture.guest()
            let doubled = try await campaigns.create(
                name: "Двойные", multiplier: PointsMultiplier(percent: 200), createdBy: "admin:owner", at: TestDefaults.now)
            let first = try await fixture.sell(to: maria, rubles: 1_000, by: barista)
            #expect(first.quote.pointsEarned == 20 && first.quote.campaignPoints == 10)

            #expect(try await campaigns.setStatus(doubled, .paused, by: "admin:owner", at: TestDefaults.now))
            #expect(try await fixture.sell(to: maria, rubles: 1_000, by: barista).quote.pointsEarned == 10)
            #expect(try await campaigns.setStatus(doubled, .active, by: "admin:owner", at: TestDefaults.now))
            #expect(try await fixture.sell(to: maria, rubles: 1_000, by: barista).quote.pointsEarned == 20)
            #expect(try await campaigns.setStatus(doubled, .ended, by: "admin:owner", at: TestDefaults.now))
            #expect(!(try await campaigns.setStatus(doubled, .active, by: "admin:owner", at: TestDefaults.now)))

            // A window that is not open now: the day before today, in the café's zone.
            let today = SaleMoment(TestDefaults.now, in: TimeZone(identifier: "Europe/Moscow")!, locationID: nil)
            _ = try await campaigns.create(
                name: "Вчерашние", multiplier: PointsMultiplier(percent: 500, weekdays: [today.weekday == 1 ? 7 : today.weekday - 1]),
                createdBy: "admin:owner", at: TestDefaults.now)
            let plain = try await fixture.sell(to: maria, rubles: 1_000, by: barista)
            #expect(plain.quote.pointsEarned == 10 && plain.quote.campaignEffects.isEmpty)

            // The first order still says what the campaign gave it, though the campaign has ended.
            let kept = try #require(try await fixture.store.order(id: first.orderID))
            #expect(kept.sale.quote.campaignPoints == 10)
            #expect(try await fixture.count("SELECT count(*)::int FROM audit_log WHERE action LIKE 'campaign.%'") == 5)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    /// A campaign changed after a sale: the sale keeps the version it was made with, the next
    /// sale uses the new one; an ended campaign cannot be changed.
    @Test func aRevisedCampaignNeverRewritesTheOrdersItTouched() async throws {
        try await LoyaltyFixture.with { fixture in
            let campaigns = CampaignStore(database: fixture.database, logger: fixture.logger)
            let barista = try await fixture.staff(.barista)
            let maria = try await fixture.guest()
            let campaign = try await campaigns.create(
                name: "Двойные", multiplier: PointsMultiplier(percent: 200), createdBy: "admin:owner", at: TestDefaults.now)
            let before = try await fixture.sell(to: maria, rubles: 1_000, by: barista)
            #expect(
                try await campaigns.revise(
                    campaign, name: "Тройные", rule: .multiplier(PointsMultiplier(percent: 300)), by: "admin:owner", at: TestDefaults.now))
            let after = try await fixture.sell(to: maria, rubles: 1_000, by: barista)
            #expect(after.quote.campaignEffects == [CampaignEffect(campaignID: campaign, version: 2, name: "Тройные", points: 20)])
            let kept = try #require(try await fixture.store.order(id: before.orderID))
            #expect(kept.sale.quote.campaignEffects == [CampaignEffect(campaignID: campaign, version: 1, name: "Двойные", points: 10)])
            #expect(
                !(try await campaigns.revise(
                    campaign, name: "x", rule: .welcome(WelcomeBonus(points: 5)), by: "admin:owner", at: TestDefaults.now)))
            try await campaigns.setStatus(campaign, .ended, by: "admin:owner", at: TestDefaults.now)
            #expect(
                !(try await campaigns.revise(
                    campaign, name: "x", rule: .multiplier(PointsMultiplier(percent: 400)), by: "admin:owner", at: TestDefaults.now)))
            #expect(try await fixture.count("SELECT count(*)::int FROM audit_log WHERE action = 'campaign.revised'") == 1)
        }
    }

    static func text(of row: OutboxRows.Row) throws -> String {
        let item = OutboxItem(
            id: 1, chatID: row.chatID, customerID: nil, method: row.method, payload: Data(row.payloadText.utf8), attempts: 0, language: .ru)
        let message = try #require(NotificationRenderer(timeZone: TimeZone(identifier: "Europe/Moscow")!).render(item))
        return try #require((try JSONSerialization.jsonObject(with: message.body) as? [String: Any])?["text"] as? String)
    }
}
