import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// "Every Nth visit": paid sales stamp the guest's card, the Nth stamp gives the gift, the
/// receipt and the profile show the card, a cancelled sale takes its stamp (and unused gift) back,
/// and concurrent sales are counted one at a time.
@Suite struct VisitCardTests {
    static let name = "Третий кофе"

    func startCard(_ fixture: LoyaltyFixture, every: Int, minimum: Money = .zero, hours: Int = 0) async throws -> (Int64, Int64) {
        let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
        let campaign = try await CampaignStore(database: fixture.database, logger: fixture.logger).create(
            name: Self.name,
            rule: .visits(VisitCard(every: every, minimumKopecks: minimum.kopecks, hoursBetween: hours, giftCatalogID: drink.id)),
            createdBy: "admin:owner", at: TestDefaults.now)
        return (campaign, drink.id)
    }

    func lastReceipt(_ fixture: LoyaltyFixture) async throws -> [String] {
        let row = try #require(
            try await OutboxRows(fixture.database).all().last { $0.payload["template"] as? String == "sale_receipt" })
        return try CampaignSaleTests.text(of: row).split(separator: "\n").map(String.init)
    }

    @Test func theThirdPaidVisitGivesTheGiftAndACancellationTakesItBack() async throws {
        try await LoyaltyFixture.with { fixture in
            let (campaign, drink) = try await startCard(fixture, every: 3, minimum: .rubles(200))
            let barista = try await fixture.staff(.barista)
            let maria = try await fixture.guest()

            try await fixture.sell(to: maria, rubles: 150, by: barista)  // below the minimum: no visit
            #expect(try await lastReceipt(fixture).allSatisfy { !$0.hasPrefix("Визиты") })
            try await fixture.sell(to: maria, rubles: 300, by: barista)
            #expect(try await lastReceipt(fixture).last == "Визиты по акции «Третий кофе»: 1 из 3")
            try await fixture.sell(to: maria, rubles: 300, by: barista)
            #expect(
                try await fixture.store.visitCard(customerID: maria.id, at: TestDefaults.now)?.progress
                    == VisitProgress(stamps: 2, of: 3, completed: false))
            let third = try await fixture.sell(to: maria, rubles: 300, by: barista)
            #expect(try await lastReceipt(fixture).last == "Визиты по акции «Третий кофе»: 3 из 3 — подарок ваш! 🎁")
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM customer_gifts WHERE customer_id = \(maria.id) AND catalog_id = \(drink) AND reason = \(Self.name)"
                )
                    == 1)
            #expect(try await fixture.store.visitCard(customerID: maria.id, at: TestDefaults.now)?.progress.stamps == 0)
            let listed = try #require(try await CampaignStore(database: fixture.database, logger: fixture.logger).list().first)
            #expect(listed.id == campaign && listed.sales == 3 && listed.giftsIssued == 1)

            let manager = try await fixture.staff(.manager)
            _ = try await fixture.store.cancelSale(orderID: third.orderID, by: manager, reason: "ошибка", at: TestDefaults.now)
            #expect(try await fixture.store.visitCard(customerID: maria.id, at: TestDefaults.now)?.progress.stamps == 2)
            #expect(try await fixture.store.activeGifts(customerID: maria.id, at: TestDefaults.now.addingTimeInterval(1)).isEmpty)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func theGuestSeesTheirCardInTheBotsProfile() async throws {
        try await TestApp.with { app, client in
            let fixture = try await LoyaltyFixture.over(app.database)
            _ = try await startCard(fixture, every: 3)
            let maria = try await fixture.guest()
            try await fixture.sell(to: maria, rubles: 300, by: try await fixture.staff(.barista))
            let chat = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret)
            let profile = try #require(try await chat.send(text: "Профиль").text)
            #expect(profile.contains("☕ Визиты по акции «Третий кофе»: 1 из 3"), "\(profile)")
        }
    }

    /// The owner took the campaign's gift out of the catalogue: the till still sells, the visit
    /// still counts, no gift is given (and a welcome bonus of that gift is not given, nor spent).
    @Test func aGiftTakenOutOfTheCatalogueNeverStopsASaleOrARegistration() async throws {
        try await LoyaltyFixture.with { fixture in
            let (_, drink) = try await startCard(fixture, every: 2)
            _ = try await CampaignStore(database: fixture.database, logger: fixture.logger).create(
                name: "Кофе новичку", rule: .welcome(WelcomeBonus(giftCatalogID: drink)), createdBy: "admin:owner", at: TestDefaults.now)
            _ = try await fixture.count("UPDATE gift_catalog SET active = false WHERE id = \(drink) RETURNING 1")
            let maria = try await fixture.guest()
            #expect(try await fixture.count("SELECT count(*)::int FROM welcome_grants") == 0)
            let barista = try await fixture.staff(.barista)
            try await fixture.sell(to: maria, rubles: 300, by: barista)
            try await fixture.sell(to: maria, rubles: 300, by: barista)
            #expect(try await fixture.count("SELECT count(*)::int FROM visit_stamps") == 2)
            #expect(try await fixture.count("SELECT count(*)::int FROM customer_gifts") == 0)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func oneVisitCountsPerGuestInTheHoursSet() async throws {
        try await LoyaltyFixture.with { fixture in
            _ = try await startCard(fixture, every: 6, hours: 4)
            let barista = try await fixture.staff(.barista)
            let maria = try await fixture.guest()
            try await fixture.sell(to: maria, rubles: 300, by: barista)
            try await fixture.sell(to: maria, rubles: 300, by: barista, at: TestDefaults.now.addingTimeInterval(3 * 3_600))
            #expect(try await fixture.store.visitCard(customerID: maria.id, at: TestDefaults.now)?.progress.stamps == 1)
            try await fixture.sell(to: maria, rubles: 300, by: barista, at: TestDefaults.now.addingTimeInterval(4 * 3_600))
            #expect(try await fixture.store.visitCard(customerID: maria.id, at: TestDefaults.now)?.progress.stamps == 2)
        }
    }

    @Test(arguments: [(0, 20, 4), (4, 1, 0)])
    func twentyConcurrentSalesAreCountedOneAtATime(hours: Int, stamps: Int, gifts: Int) async throws {
        try await LoyaltyFixture.with { fixture in
            _ = try await startCard(fixture, every: 5, hours: hours)
            let maria = try await fixture.guest()
            let pos = Actor.apiKey(id: "pos-main")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sale in 0..<20 {
                    group.addTask {
                        _ = try await fixture.store.confirmSale(
                            SaleRequest(idempotencyKey: "pos-\(sale)", guest: .customer(maria.id), amount: .rubles(300), redeem: .none),
                            by: pos, locationID: fixture.mainLocationID, at: TestDefaults.now)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM visit_stamps") == stamps)
            #expect(try await fixture.count("SELECT count(*)::int FROM customer_gifts WHERE customer_id = \(maria.id)") == gifts)
            #expect(try await fixture.checkLedger().isClean)
        }
    }
}
