import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

@Suite struct GiftTests {
    @Test func theCatalogStartsWithADrinkAndASandwichNamedInBothLanguages() async throws {
        let names = try await LoyaltyFixture.with { fixture in
            try await fixture.store.giftCatalog().map(\.name)
        }
        #expect(names == [LocalizedName(russian: "Напиток", english: "Drink"), LocalizedName(russian: "Сэндвич", english: "Sandwich")])
    }

    @Test func anIssuedGiftIsShownRedeemedOnceAndThenGone() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let drink = try #require(try await fixture.store.giftCatalog().first)
            let gift = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "sorry for the wait", by: barista, at: TestDefaults.now)
            #expect(gift.expiresAt == TestDefaults.now.addingTimeInterval(30 * 24 * 3600))
            #expect(try await fixture.store.activeGifts(customerID: maria.id, at: TestDefaults.now).map(\.id) == [gift.id])
            #expect(try await fixture.count("SELECT count(*) FROM outbox WHERE payload->>'template' = 'gift_issued'") == 1)

            _ = try await fixture.store.redeemGift(giftID: gift.id, by: barista, at: TestDefaults.now)
            await #expect(throws: LoyaltyError.giftAlreadyRedeemed) {
                try await fixture.store.redeemGift(giftID: gift.id, by: barista, at: TestDefaults.now)
            }
            #expect(try await fixture.store.activeGifts(customerID: maria.id, at: TestDefaults.now).isEmpty)
        }
    }

    @Test func anExpiredGiftCannotBeUsed() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let drink = try #require(try await fixture.store.giftCatalog().first)
            let gift = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "promo", by: barista, at: TestDefaults.now)
            let later = TestDefaults.now.addingTimeInterval(31 * 24 * 3600)
            await #expect(throws: LoyaltyError.giftExpired) {
                try await fixture.store.redeemGift(giftID: gift.id, by: barista, at: later)
            }
            #expect(try await fixture.store.activeGifts(customerID: maria.id, at: later).isEmpty)
        }
    }

    @Test func concurrentRedemptionsOfOneGiftSucceedOnce() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let drink = try #require(try await fixture.store.giftCatalog().first)
            let gift = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "promo", by: barista, at: TestDefaults.now)
            let successes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { (try? await fixture.store.redeemGift(giftID: gift.id, by: barista, at: TestDefaults.now)) != nil }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(successes == 1)
        }
    }

    @Test func aGiftUsedAtASaleComesBackWhenTheSaleIsCancelled() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let manager = try await fixture.staff(.manager)
            let sandwich = try #require(try await fixture.store.giftCatalog().last)
            let gift = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: sandwich.id, reason: "loyal guest", by: manager, at: TestDefaults.now)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let sale = try await fixture.store.confirmSale(
                SaleRequest(idempotencyKey: "gift-sale", guest: .code(code), amount: .rubles(400), redeem: .none, giftIDs: [gift.id]),
                by: manager, locationID: fixture.mainLocationID, at: TestDefaults.now)
            #expect(try await fixture.store.activeGifts(customerID: maria.id, at: TestDefaults.now).isEmpty)

            _ = try await fixture.store.cancelSale(orderID: sale.orderID, by: manager, reason: "mistake", at: TestDefaults.now)
            let restored = try await fixture.store.activeGifts(customerID: maria.id, at: TestDefaults.now)
            #expect(restored.map(\.name.russian) == ["Сэндвич"])
            #expect(restored.map(\.name.english) == ["Sandwich"])
            #expect(restored.first?.id != gift.id)
            #expect(try await fixture.count("SELECT count(*) FROM gift_redemptions WHERE gift_id = \(gift.id)") == 1)
        }
    }

    @Test func aGiftOfAnotherGuestCannotBeUsedAtASale() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest(111_111_111)
            let oleg = try await fixture.guest(222_222_222, name: "Oleg")
            let barista = try await fixture.staff(.barista)
            let drink = try #require(try await fixture.store.giftCatalog().first)
            let olegsGift = try await fixture.store.issueGift(
                customerID: oleg.id, catalogID: drink.id, reason: "promo", by: barista, at: TestDefaults.now)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            await #expect(throws: LoyaltyError.giftNotFound) {
                try await fixture.store.confirmSale(
                    SaleRequest(idempotencyKey: "steal", guest: .code(code), amount: .rubles(400), redeem: .none, giftIDs: [olegsGift.id]),
                    by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now)
            }
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
        }
    }
}

@Suite struct BirthdayTests {
    let today = CalendarDate(year: 2026, month: 11, day: 25)

    @Test func concurrentRunsIssueOneGiftPerGuestPerYear() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest(111_111_111)
            let oleg = try await fixture.guest(222_222_222, name: "Oleg")
            _ = try await fixture.guest(333_333_333, name: "Not today")
            try await fixture.store.changeBirthDate(
                customerID: maria.id, to: CalendarDate(year: 1990, month: 11, day: 25), today: today, at: TestDefaults.now)
            try await fixture.store.changeBirthDate(
                customerID: oleg.id, to: CalendarDate(year: 2001, month: 11, day: 25), today: today, at: TestDefaults.now)

            let issued = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await fixture.store.runBirthdayJob(today: today, at: TestDefaults.now) }
                }
                return try await group.reduce(0, +)
            }
            #expect(issued == 2)
            #expect(try await fixture.count("SELECT count(*) FROM customer_gifts WHERE birthday_year = 2026") == 2)
            #expect(try await fixture.count("SELECT count(*) FROM outbox WHERE payload->>'template' = 'birthday_gift'") == 2)
            let gift = try #require(try await fixture.store.activeGifts(customerID: maria.id, at: TestDefaults.now).first)
            #expect(gift.expiresAt == TestDefaults.now.addingTimeInterval(7 * 24 * 3600))
        }
    }

    @Test func editingTheBirthDateCannotEarnASecondGiftThatYear() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            try await fixture.store.changeBirthDate(
                customerID: maria.id, to: CalendarDate(year: 1990, month: 11, day: 25), today: today, at: TestDefaults.now)
            #expect(try await fixture.store.runBirthdayJob(today: today, at: TestDefaults.now) == 1)

            let tomorrow = CalendarDate(year: 2026, month: 11, day: 26)
            try await fixture.store.changeBirthDate(
                customerID: maria.id, to: CalendarDate(year: 1990, month: 11, day: 26), today: tomorrow, at: TestDefaults.now)
            #expect(try await fixture.store.runBirthdayJob(today: tomorrow, at: TestDefaults.now) == 0)
        }
    }

    @Test func aGuestMayChangeTheirBirthDateOnlyOnce() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            try await fixture.store.changeBirthDate(
                customerID: maria.id, to: CalendarDate(year: 1990, month: 1, day: 1), today: today, at: TestDefaults.now)
            try await fixture.store.changeBirthDate(
                customerID: maria.id, to: CalendarDate(year: 1991, month: 1, day: 1), today: today, at: TestDefaults.now)
            await #expect(throws: LoyaltyError.birthDateAlreadyChanged) {
                try await fixture.store.changeBirthDate(
                    customerID: maria.id, to: CalendarDate(year: 1992, month: 1, day: 1), today: today, at: TestDefaults.now)
            }
            await #expect(throws: LoyaltyError.invalidBirthDate) {
                try await fixture.store.changeBirthDate(
                    customerID: maria.id, to: CalendarDate(year: 2030, month: 1, day: 1), today: today, at: TestDefaults.now)
            }
        }
    }

    @Test func leapDayGuestsGetTheirGiftOnThe28thInACommonYear() async throws {
        try await LoyaltyFixture.with { fixture in
            let leapling = try await fixture.guest()
            try await fixture.store.changeBirthDate(
                customerID: leapling.id, to: CalendarDate(year: 2000, month: 2, day: 29), today: today, at: TestDefaults.now)
            #expect(try await fixture.store.runBirthdayJob(today: CalendarDate(year: 2027, month: 2, day: 28), at: TestDefaults.now) == 1)
        }
    }
}
