import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// The welcome bonus: a guest who registers through the bot gets the running campaign's points
/// or gift and is told; the same phone number or Telegram account never gets it twice, even
/// after the account was erased.
@Suite struct WelcomeBonusTests {
    @Test func aGuestRegisteringInTheBotGetsTheWelcomePointsOnceEver() async throws {
        try await TestApp.with { app, client in
            let fixture = try await LoyaltyFixture.over(app.database)
            let campaigns = CampaignStore(database: app.database, logger: fixture.logger)
            let welcome = try await campaigns.create(
                name: "Старт", rule: .welcome(WelcomeBonus(points: 100)), createdBy: "admin:owner", at: TestDefaults.now)
            let maria = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret)
            try await maria.send(text: "/start")
            let registered = try await maria.sendOwnContact(phone: "79000000000")
            #expect(registered.text?.contains("вы в программе") == true)

            let customer = try #require(try await fixture.store.customer(telegramID: maria.userID))
            #expect(customer.account.balance == 100)
            #expect(
                try await fixture.count(
                    "SELECT points FROM points_ledger WHERE kind = 'campaign_credit' AND reason = 'Старт' AND actor_id = \("campaign:\(welcome)")"
                )
                    == 100)
            let told = try #require(try await OutboxRows(app.database).all().last { $0.bot == "client" })
            #expect(
                try CampaignSaleTests.text(of: told) == "🎉 Добро пожаловать! По акции «Старт» вам начислено 100 баллов.\nБаланс: 100 баллов"
            )
            #expect(try await fixture.checkLedger().isClean)

            // Erased, then back with the same phone on another account, or the same account with
            // another phone: no second bonus.
            let erased = try await AdminCustomers(database: app.database, logger: fixture.logger).anonymise(
                customerID: customer.id, by: .admin(id: "owner"), reason: "по просьбе гостя", at: TestDefaults.now)
            #expect(erased)
            let samePhone = try await fixture.store.registerCustomer(
                .init(telegramID: 222_222_222, phone: PhoneNumber(normalizing: "+79000000000")!, firstName: "Мария", language: .ru),
                at: TestDefaults.now)
            #expect(samePhone.account.balance == 0)
            let sameAccount = try await fixture.store.registerCustomer(
                .init(telegramID: maria.userID, phone: PhoneNumber(normalizing: "+79005555555")!, firstName: "Мария", language: .ru),
                at: TestDefaults.now)
            #expect(sameAccount.account.balance == 0)
            let fresh = try await fixture.guest(333_333_333)
            #expect(fresh.account.balance == 100)
            #expect(try await fixture.count("SELECT count(*)::int FROM welcome_grants") == 2)
            let listed = try #require(try await campaigns.list().first)
            #expect(listed.newGuests == 2 && listed.points == 200)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func aWelcomeGiftIsIssuedAndAPausedBonusGivesNothing() async throws {
        try await LoyaltyFixture.with { fixture in
            let campaigns = CampaignStore(database: fixture.database, logger: fixture.logger)
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
            let welcome = try await campaigns.create(
                name: "Кофе новичку", rule: .welcome(WelcomeBonus(giftCatalogID: drink.id)), createdBy: "admin:owner", at: TestDefaults.now)
            let anna = try await fixture.guest(444_444_444, name: "Анна")
            #expect(anna.account.balance == 0)
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM customer_gifts WHERE customer_id = \(anna.id) AND catalog_id = \(drink.id) AND reason = 'Кофе новичку'"
                )
                    == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM welcome_grants WHERE gift_id IS NOT NULL") == 1)
            #expect(try await campaigns.list().first?.giftsIssued == 1)

            try await campaigns.setStatus(welcome, .paused, by: "admin:owner", at: TestDefaults.now)
            let boris = try await fixture.guest(555_555_555, name: "Борис")
            #expect(try await fixture.count("SELECT count(*)::int FROM customer_gifts WHERE customer_id = \(boris.id)") == 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM welcome_grants") == 1)
        }
    }
}
