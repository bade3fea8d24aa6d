import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Bring a friend: a guest registered through another's invite link is their friend; the
/// friend's first paid sale of at least the minimum rewards both and tells both; a cancelled sale
/// takes the rewards back (as debt where spent); the fraud caps hold, also under concurrent sales.
@Suite struct ReferralTests {
    static let name = "Приведи друга"

    @discardableResult
    func startReferrals(
        _ fixture: LoyaltyFixture, referrer: Int = 100, friend: Int = 50, minimum: Int64 = 300, cap: Int = 10
    )
        async throws -> Int64
    {
        try await CampaignStore(database: fixture.database, logger: fixture.logger).create(
            name: Self.name,
            rule: .referral(
                ReferralReward(referrerPoints: referrer, friendPoints: friend, minimumKopecks: minimum * 100, monthlyCap: cap)),
            createdBy: "admin:owner", at: TestDefaults.now)
    }

    func inviteCode(_ fixture: LoyaltyFixture, of guest: Customer) async throws -> String {
        try #require(try await fixture.store.invite(customerID: guest.id, at: TestDefaults.now)).code
    }

    func balance(_ fixture: LoyaltyFixture, _ guest: Customer) async throws -> (Int, Int) {
        let account = try #require(try await fixture.store.customer(id: guest.id)).account
        return (account.balance, account.debt)
    }

    func messages(_ fixture: LoyaltyFixture, to chat: Int64, template: String) async throws -> [String] {
        try await OutboxRows(fixture.database).all()
            .filter { $0.chatID == chat && $0.payload["template"] as? String == template }
            .map { try CampaignSaleTests.text(of: $0) }
    }

    @Test func aFriendsFirstQualifyingPurchaseRewardsBothAndACancellationTakesItBack() async throws {
        try await LoyaltyFixture.with { fixture in
            let campaign = try await startReferrals(fixture)
            let barista = try await fixture.staff(.barista)
            let maria = try await fixture.guest(111_111_111, name: "Мария")
            let code = try await inviteCode(fixture, of: maria)
            #expect(try await fixture.store.invite(customerID: maria.id, at: TestDefaults.now)?.code == code, "the code is made once")
            let anna = try await fixture.guest(222_222_222, name: "Анна", invitedBy: code)
            let offer = try #require(try await fixture.store.referralOffer(friendID: anna.id))
            #expect(offer.referrerName == "Мария" && offer.reward.friendPoints == 50)

            try await fixture.sell(to: anna, rubles: 200, by: barista)  // below the minimum
            #expect(try await fixture.count("SELECT count(*)::int FROM referral_rewards") == 0)
            let first = try await fixture.sell(to: anna, rubles: 450, by: barista)
            #expect(try await balance(fixture, maria) == (100, 0))
            let annaBefore = try await balance(fixture, anna).0
            #expect(annaBefore == first.balanceAfter + 50)
            #expect(
                try await messages(fixture, to: 111_111_111, template: "referral_reward") == [
                    "🤝 Анна сделал(а) первую покупку по вашему приглашению. По акции «Приведи друга» вам начислено 100 баллов.\nБаланс: 100 баллов"
                ])
            #expect(
                try await messages(fixture, to: 222_222_222, template: "referral_reward") == [
                    "🤝 Спасибо за первую покупку по приглашению! По акции «Приведи друга» вам начислено 50 баллов.\nБаланс: \(RussianPlural.points(annaBefore))"
                ])

            try await fixture.sell(to: anna, rubles: 450, by: barista)  // the second purchase rewards nothing
            #expect(try await balance(fixture, maria) == (100, 0))
            let listed = try #require(try await CampaignStore(database: fixture.database, logger: fixture.logger).list().first)
            #expect(listed.id == campaign && listed.sales == 1 && listed.newGuests == 1 && listed.points == 150)

            // Maria spent 60 of the 100; the cancellation takes 40 back and leaves 60 as debt.
            _ = try await fixture.store.adjustPoints(
                customerID: maria.id, by: -60, reason: "проверка", actor: .admin(id: "owner"), at: TestDefaults.now)
            let manager = try await fixture.staff(.manager)
            _ = try await fixture.store.cancelSale(orderID: first.orderID, by: manager, reason: "ошибка", at: TestDefaults.now)
            #expect(try await balance(fixture, maria) == (0, 60))
            #expect(
                try await messages(fixture, to: 111_111_111, template: "referral_reversed") == [
                    "Покупка, которую сделал(а) Анна по вашему приглашению, отменена: 100 баллов по акции «Приведи друга» списано.\nБаланс: 0 баллов\nДолг: 60 баллов"
                ])
            #expect(try await messages(fixture, to: 222_222_222, template: "referral_reversed").count == 1)
            #expect(try await CampaignStore(database: fixture.database, logger: fixture.logger).list().first?.sales == 0)

            // The referral waits again: Anna's next qualifying purchase rewards it once more.
            try await fixture.sell(to: anna, rubles: 300, by: barista)
            #expect(try await fixture.count("SELECT count(*)::int FROM referral_rewards WHERE reversed_at IS NULL") == 1)
            #expect(try await balance(fixture, maria) == (40, 0), "the new 100 points repay the 60 owed first")
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func theBotGivesTheInviteAndGreetsTheFriendWhoCameThroughIt() async throws {
        try await TestApp.with { app, client in
            let fixture = try await LoyaltyFixture.over(app.database)
            let secret = app.configuration.telegram.clientWebhookSecret
            let maria = BotUser(client: client, secret: secret)
            try await maria.send(text: "/start")
            try await maria.sendOwnContact(phone: "79000000000")
            #expect(try await maria.send(text: "/invite").text == "Сейчас акции «Приведи друга» нет — загляните позже.")
            #expect(try await maria.send(text: "Профиль").text?.contains("/invite") == false)

            try await startReferrals(fixture)
            let customer = try #require(try await fixture.store.customer(telegramID: maria.userID))
            let invite = try #require(try await maria.send(text: "/invite").text)
            let code = try #require(try await fixture.store.invite(customerID: customer.id, at: TestDefaults.now)).code
            // Telegram cannot be asked the bot's name here (no Bot API): the start command instead of a link.
            #expect(
                invite == """
                    🤝 Акция «Приведи друга»
                    Пусть друг откроет этого бота и отправит сообщение:
                    /start ref_\(code)

                    Когда друг зарегистрируется по приглашению и сделает первую покупку от 300 ₽, вы получите 100 баллов, \
                    а друг — 50 баллов. Засчитывается до 10 друзей в месяц.
                    """)
            #expect(try await maria.send(text: "Профиль").text?.hasSuffix("🤝 Приглашайте друзей по акции «Приведи друга»: /invite") == true)
            #expect(try await maria.send(text: "/start ref_\(code)").text?.hasPrefix("Вы уже с нами") == true)

            let anna = BotUser(client: client, secret: secret, userID: 222_222_222, firstName: "Анна")
            try await anna.send(text: "/start ref_\(code)")
            let registered = try #require(try await anna.sendOwnContact(phone: "79002222222").text)
            #expect(
                registered.contains(
                    "🤝 Вас пригласил(а) Мария. После первой покупки от 300 ₽ вам начислим 50 баллов по акции «Приведи друга»."),
                "\(registered)")
            let friend = try #require(try await fixture.store.customer(telegramID: anna.userID))
            #expect(try await fixture.store.referralOffer(friendID: friend.id)?.referrerName == "Мария")

            // A start without an invite in between forgets it.
            let boris = BotUser(client: client, secret: secret, userID: 333_333_333, firstName: "Борис")
            try await boris.send(text: "/start ref_\(code)")
            try await boris.send(text: "/start")
            #expect(try await boris.sendOwnContact(phone: "79003333333").text?.contains("пригласил") == false)
        }
    }

    @Test func ownLinksStaffRepeatedAndUnknownInvitesAreRefusedQuietly() async throws {
        try await LoyaltyFixture.with { fixture in
            try await startReferrals(fixture)
            let maria = try await fixture.guest(111_111_111, name: "Мария")
            let code = try await inviteCode(fixture, of: maria)

            // A barista registering as a guest through a colleague's guest link is not a friend.
            _ = try await fixture.count(
                "INSERT INTO staff (display_name, role, location_id, telegram_id) VALUES ('Олег', 'barista', \(fixture.mainLocationID), 333333333) RETURNING 1"
            )
            let oleg = try await fixture.guest(333_333_333, name: "Олег", invitedBy: code)
            // A guest who is also on the staff gives no invites.
            let olegsCode = try await inviteCode(fixture, of: oleg)
            let viaStaff = try await fixture.guest(444_444_444, name: "Ира", invitedBy: olegsCode)
            // Unknown codes register the guest, with no referral.
            let unknown = try await fixture.guest(555_555_555, name: "Пётр", invitedBy: "zzzzzzzzzz")
            for guest in [oleg, viaStaff, unknown] {
                #expect(try await fixture.store.referralOffer(friendID: guest.id) == nil, "\(guest.firstName)")
            }

            // One referrer per person, ever: erased and back with the same phone through another link.
            let anna = try await fixture.guest(222_222_222, name: "Анна", invitedBy: code)
            #expect(try await fixture.store.referralOffer(friendID: anna.id) != nil)
            let erased = try await AdminCustomers(database: fixture.database, logger: fixture.logger).anonymise(
                customerID: anna.id, by: .admin(id: "owner"), reason: "по просьбе гостя", at: TestDefaults.now)
            #expect(erased)
            let boris = try await fixture.guest(666_666_666, name: "Борис")
            let again = try await fixture.store.registerCustomer(
                .init(
                    telegramID: 777_777_777, phone: PhoneNumber(normalizing: "+79002222222")!, firstName: "Анна", language: .ru,
                    inviteCode: try await inviteCode(fixture, of: boris)),
                at: TestDefaults.now)
            #expect(try await fixture.store.referralOffer(friendID: again.id) == nil)

            // A blocked referrer's link brings no one.
            _ = try await AdminCustomers(database: fixture.database, logger: fixture.logger).setBlocked(
                true, customerID: boris.id, by: .admin(id: "owner"), reason: "злоупотребление", at: TestDefaults.now)
            let vera = try await fixture.guest(888_888_888, name: "Вера", invitedBy: try await inviteCode(fixture, of: boris))
            #expect(try await fixture.store.referralOffer(friendID: vera.id) == nil)
            #expect(try await fixture.count("SELECT count(*)::int FROM referrals") == 1)
        }
    }

    @Test func pastTheMonthlyCapOnlyTheFriendIsRewardedUntilTheNextMonth() async throws {
        try await LoyaltyFixture.with { fixture in
            try await startReferrals(fixture, cap: 2)
            let barista = try await fixture.staff(.barista)
            let maria = try await fixture.guest(111_111_111, name: "Мария")
            let code = try await inviteCode(fixture, of: maria)
            var friends: [Customer] = []
            for index in 0..<4 {
                friends.append(try await fixture.guest(Int64(222_222_220 + index), name: "Друг \(index)", invitedBy: code))
            }
            for friend in friends.prefix(3) { try await fixture.sell(to: friend, rubles: 300, by: barista) }
            #expect(try await balance(fixture, maria).0 == 200)
            #expect(try await fixture.count("SELECT count(*)::int FROM referral_rewards WHERE capped AND friend_points = 50") == 1)
            for friend in friends.prefix(3) { #expect(try await balance(fixture, friend).0 >= 50) }

            // December: the cap starts again.
            let nextMonth = TestDefaults.now.addingTimeInterval(10 * 86_400)
            try await fixture.sell(to: friends[3], rubles: 300, by: barista, at: nextMonth)
            #expect(try await balance(fixture, maria).0 == 300)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func concurrentFirstSalesRewardOnceAndTheCapHoldsAcrossFriends() async throws {
        try await LoyaltyFixture.with { fixture in
            try await startReferrals(fixture, cap: 3)
            let pos = Actor.apiKey(id: "pos-main")
            let maria = try await fixture.guest(111_111_111, name: "Мария")
            let code = try await inviteCode(fixture, of: maria)
            let anna = try await fixture.guest(222_222_222, name: "Анна", invitedBy: code)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sale in 0..<20 {
                    group.addTask {
                        _ = try await fixture.store.confirmSale(
                            SaleRequest(idempotencyKey: "anna-\(sale)", guest: .customer(anna.id), amount: .rubles(400), redeem: .none),
                            by: pos, locationID: fixture.mainLocationID, at: TestDefaults.now)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM referral_rewards") == 1)
            #expect(try await balance(fixture, maria).0 == 100)

            // Six more friends buy at once: the cap of 3 gives Maria two more rewards, not six.
            var friends: [Customer] = []
            for index in 0..<6 {
                friends.append(try await fixture.guest(Int64(333_333_330 + index), name: "Друг \(index)", invitedBy: code))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for friend in friends {
                    group.addTask {
                        _ = try await fixture.store.confirmSale(
                            SaleRequest(
                                idempotencyKey: "friend-\(friend.id)", guest: .customer(friend.id), amount: .rubles(400), redeem: .none),
                            by: pos, locationID: fixture.mainLocationID, at: TestDefaults.now)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await balance(fixture, maria).0 == 300)
            #expect(try await fixture.count("SELECT count(*)::int FROM referral_rewards WHERE referrer_points > 0") == 3)
            #expect(try await fixture.count("SELECT count(*)::int FROM referral_rewards WHERE capped") == 4)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    /// Sale, cancel, sale, cancel…: whatever order the guests spend in, the campaign's points net
    /// to nothing once every qualifying sale is cancelled, and the ledger stays whole.
    @Test(arguments: [1, 2, 3])
    func cancelCyclesNeverMintPoints(seed: Int) async throws {
        try await LoyaltyFixture.with { fixture in
            try await startReferrals(fixture)
            var random = SplitMix(seed: UInt64(seed))
            let barista = try await fixture.staff(.barista)
            let manager = try await fixture.staff(.manager)
            let maria = try await fixture.guest(111_111_111, name: "Мария")
            let anna = try await fixture.guest(222_222_222, name: "Анна", invitedBy: try await inviteCode(fixture, of: maria))
            for _ in 0..<6 {
                let sale = try await fixture.sell(to: anna, rubles: Int64.random(in: 250...900, using: &random), by: barista)
                if Bool.random(using: &random) {
                    let spent = Int.random(in: 0...40, using: &random)
                    if try await balance(fixture, maria).0 >= spent, spent > 0 {
                        _ = try await fixture.store.adjustPoints(
                            customerID: maria.id, by: -spent, reason: "трата", actor: .admin(id: "owner"), at: TestDefaults.now)
                    }
                }
                _ = try await fixture.store.cancelSale(orderID: sale.orderID, by: manager, reason: "цикл", at: TestDefaults.now)
            }
            #expect(try await balance(fixture, anna) == (0, 0), "every sale and its reward cancelled")
            #expect(try await fixture.count("SELECT count(*)::int FROM referral_rewards WHERE reversed_at IS NULL") == 0)
            let (mariaBalance, mariaDebt) = try await balance(fixture, maria)
            #expect(mariaBalance == 0)
            #expect(
                try await fixture.count("SELECT coalesce(-sum(points), 0)::int FROM points_ledger WHERE kind = 'manual_debit'") == mariaDebt
            )
            #expect(try await fixture.checkLedger().isClean)
        }
    }
}
