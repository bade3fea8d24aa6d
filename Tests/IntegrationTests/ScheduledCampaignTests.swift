import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Campaigns set to dates run only on them, in the café's calendar: a welcome bonus, a visit
/// card and a bring-a-friend campaign scheduled ahead do nothing until their first day and
/// nothing after their last; the panel says so.
@Suite struct ScheduledCampaignTests {
    /// TestDefaults.now is 25 November 2026, 09:00 in Moscow.
    static let today = CalendarDate(year: 2026, month: 11, day: 25)
    static let tomorrow = CalendarDate(year: 2026, month: 11, day: 26)
    static let yesterday = CalendarDate(year: 2026, month: 11, day: 24)
    static let dayAfter = TestDefaults.now.addingTimeInterval(86_400)

    @Test func aWelcomeBonusScheduledForTomorrowGivesNothingToday() async throws {
        try await LoyaltyFixture.with { fixture in
            let campaigns = CampaignStore(database: fixture.database, logger: fixture.logger)
            _ = try await campaigns.create(
                name: "Всегда", rule: .welcome(WelcomeBonus(points: 10)), createdBy: "admin:owner", at: TestDefaults.now)
            _ = try await campaigns.create(
                name: "С завтрашнего дня",
                rule: .welcome(WelcomeBonus(points: 100, dates: CampaignDates(startsOn: Self.tomorrow))), createdBy: "admin:owner",
                at: TestDefaults.now)
            // Today the newer, scheduled bonus does not run: the older one does.
            #expect(try await fixture.guest(111_111_111).account.balance == 10)
            let tomorrowsGuest = try await fixture.store.registerCustomer(
                .init(telegramID: 222_222_222, phone: PhoneNumber(normalizing: "+79002222222")!, firstName: "Анна", language: .ru),
                at: Self.dayAfter)
            #expect(tomorrowsGuest.account.balance == 100)
        }
    }

    @Test func aVisitCardAndAReferralOutsideTheirDatesCountNothing() async throws {
        try await LoyaltyFixture.with { fixture in
            let campaigns = CampaignStore(database: fixture.database, logger: fixture.logger)
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
            _ = try await campaigns.create(
                name: "Прошедшая",
                rule: .visits(VisitCard(every: 2, giftCatalogID: drink.id, dates: CampaignDates(endsOn: Self.yesterday))),
                createdBy: "admin:owner", at: TestDefaults.now)
            _ = try await campaigns.create(
                name: "Друзья с завтра",
                rule: .referral(ReferralReward(referrerPoints: 100, friendPoints: 50, dates: CampaignDates(startsOn: Self.tomorrow))),
                createdBy: "admin:owner", at: TestDefaults.now)
            let barista = try await fixture.staff(.barista)
            let maria = try await fixture.guest(111_111_111)
            try await fixture.sell(to: maria, rubles: 300, by: barista)
            #expect(try await fixture.count("SELECT count(*)::int FROM visit_stamps") == 0)
            #expect(try await fixture.store.visitCard(customerID: maria.id, at: TestDefaults.now) == nil)

            #expect(try await fixture.store.invite(customerID: maria.id, at: TestDefaults.now) == nil, "not yet")
            let code = try #require(try await fixture.store.invite(customerID: maria.id, at: Self.dayAfter)).code
            let early = try await fixture.guest(333_333_333, name: "Рано", invitedBy: code)
            #expect(try await fixture.store.referralOffer(friendID: early.id) == nil, "registered before the campaign's first day")
            let anna = try await fixture.store.registerCustomer(
                .init(
                    telegramID: 222_222_222, phone: PhoneNumber(normalizing: "+79002222222")!, firstName: "Анна", language: .ru,
                    inviteCode: code),
                at: Self.dayAfter)
            #expect(try await fixture.store.referralOffer(friendID: anna.id) != nil)
            let before = try #require(try await fixture.store.customer(id: maria.id)).account.balance
            try await fixture.sell(to: anna, rubles: 300, by: barista, at: Self.dayAfter)
            #expect(try await fixture.store.customer(id: maria.id)?.account.balance == before + 100)
        }
    }

    @Test func thePanelSchedulesACampaignAndSaysWhenItStarts() async throws {
        try await TestApp.with { app, client in
            let owner = try await AdminPagesTests.signedIn(app, client, role: .owner)
            let badDate = try await owner.post(
                "/admin/campaigns/welcome",
                ["welcome_name": "Зимний старт", "welcome_kind": "points", "welcome_points": "100", "welcome_starts_on": "31.12.2026"])
            #expect(badDate.status == 422 && badDate.contains("Dates are YYYY-MM-DD"))
            let backwards = try await owner.post(
                "/admin/campaigns/referral",
                [
                    "referral_name": "Друзья", "referral_referrer_points": "100", "referral_friend_points": "50", "referral_cap": "5",
                    "referral_starts_on": "2026-12-31", "referral_ends_on": "2026-12-01",
                ])
            #expect(backwards.status == 422 && backwards.contains("The campaign ends before it starts."))
            #expect(
                try await owner.post(
                    "/admin/campaigns/welcome",
                    [
                        "welcome_name": "Зимний старт", "welcome_kind": "points", "welcome_points": "100",
                        "welcome_starts_on": "2026-12-01", "welcome_ends_on": "2027-02-28",
                    ]
                )
                .status == 303)
            let page = try await owner.get("/admin/campaigns")
            #expect(page.contains("on registering: +100 points · from 2026-12-01 until 2027-02-28"))
            #expect(page.contains("scheduled from 2026-12-01"))
        }
    }
}
