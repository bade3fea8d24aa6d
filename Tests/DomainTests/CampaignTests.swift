import Domain
import Foundation
import PropertyBased
import Testing

/// Points-multiplier campaigns: their windows, and how they combine with tier rates and
/// redemption.
@Suite struct CampaignTests {
    let rules = LoyaltyRules.defaults
    /// A Wednesday, 15:30 in the café, at location 1.
    let wednesdayAfternoon = SaleMoment(day: CalendarDate(year: 2026, month: 12, day: 2), weekday: 3, minuteOfDay: 930, locationID: 1)

    func campaign(_ id: Int64, _ name: String, _ multiplier: PointsMultiplier) -> Campaign {
        Campaign(id: id, version: 1, name: name, multiplier: multiplier)
    }

    var happyHours: Campaign {
        campaign(1, "Счастливые часы", PointsMultiplier(percent: 200, weekdays: [1, 2, 3, 4, 5], fromMinute: 840, toMinute: 1_020))
    }

    func silver(balance: Int = 0) -> LoyaltyAccount {
        LoyaltyAccount(balance: balance, debt: 0, tier: .silver, qualificationSpend: .rubles(15_000))
    }

    @Test func theMomentIsReadInTheCafesTimeZone() {
        // 2026-12-02 12:30 UTC is 15:30 on a Wednesday in Moscow.
        let moment = SaleMoment(Date(timeIntervalSince1970: 1_764_678_600), in: TimeZone(identifier: "Europe/Moscow")!, locationID: 7)
        #expect(moment == SaleMoment(day: CalendarDate(year: 2025, month: 12, day: 2), weekday: 2, minuteOfDay: 930, locationID: 7))
        let sunday = SaleMoment(Date(timeIntervalSince1970: 1_764_500_000), in: .gmt, locationID: nil)
        #expect(sunday.weekday == 7)
    }

    @Test func aWindowOpensOnItsDaysAndHoursOnly() {
        let rule = happyHours.multiplier
        #expect(rule.applies(at: wednesdayAfternoon, tier: .standard))
        var moment = wednesdayAfternoon
        moment.minuteOfDay = 1_020  // 17:00: the end is excluded
        #expect(!rule.applies(at: moment, tier: .standard))
        moment.minuteOfDay = 840
        #expect(rule.applies(at: moment, tier: .standard))
        moment.weekday = 6
        #expect(!rule.applies(at: moment, tier: .standard))
    }

    @Test func aWindowPastMidnightBelongsToTheEveningItOpened() {
        let lateFriday = PointsMultiplier(percent: 150, weekdays: [5], fromMinute: 22 * 60, toMinute: 2 * 60)
        var moment = wednesdayAfternoon
        (moment.weekday, moment.minuteOfDay) = (5, 23 * 60)
        #expect(lateFriday.applies(at: moment, tier: .gold))
        (moment.weekday, moment.minuteOfDay) = (6, 60)
        #expect(lateFriday.applies(at: moment, tier: .gold))
        (moment.weekday, moment.minuteOfDay) = (5, 60)
        #expect(!lateFriday.applies(at: moment, tier: .gold))
        let lateSunday = PointsMultiplier(percent: 150, weekdays: [7], fromMinute: 22 * 60, toMinute: 2 * 60)
        (moment.weekday, moment.minuteOfDay) = (1, 30)
        #expect(lateSunday.applies(at: moment, tier: .gold))
    }

    @Test func datesLocationsAndTiersNarrowIt() {
        let rule = PointsMultiplier(
            percent: 300, startsOn: CalendarDate(year: 2026, month: 12, day: 1), endsOn: CalendarDate(year: 2026, month: 12, day: 2),
            locationIDs: [2], tiers: [.gold, .platinum])
        var moment = wednesdayAfternoon
        moment.locationID = 2
        #expect(rule.applies(at: moment, tier: .gold))
        #expect(!rule.applies(at: moment, tier: .silver))
        #expect(!rule.applies(at: wednesdayAfternoon, tier: .gold))  // location 1
        moment.day = CalendarDate(year: 2026, month: 12, day: 3)
        #expect(!rule.applies(at: moment, tier: .gold))
    }

    @Test func aSilverSaleInHappyHoursEarnsDoubleAndNamesTheCampaign() throws {
        let quote = try SaleQuote.compute(
            amount: .rubles(450), redeem: .none, account: silver(), rules: rules, campaigns: [happyHours], at: wednesdayAfternoon)
        #expect(quote.pointsEarned == 18)
        #expect(quote.campaignEffects == [CampaignEffect(campaignID: 1, version: 1, name: "Счастливые часы", points: 9)])
        #expect(quote.campaignPoints == 9)
    }

    @Test func theHighestMultiplierAppliesNotTheProduct() throws {
        let triple = campaign(2, "Тройные", PointsMultiplier(percent: 300))
        let half = campaign(3, "Полтора", PointsMultiplier(percent: 150))
        let quote = try SaleQuote.compute(
            amount: .rubles(1_000), redeem: .none, account: silver(), rules: rules, campaigns: [happyHours, half, triple],
            at: wednesdayAfternoon)
        #expect(quote.pointsEarned == 60)
        #expect(quote.campaignEffects.map(\.name) == ["Тройные"])
        #expect(quote.campaignPoints == 40)
    }

    @Test func theOlderCampaignWinsATie() throws {
        let twin = campaign(5, "Двойные", PointsMultiplier(percent: 200))
        let quote = try SaleQuote.compute(
            amount: .rubles(1_000), redeem: .none, account: silver(), rules: rules, campaigns: [twin, happyHours], at: wednesdayAfternoon)
        #expect(quote.campaignEffects.map(\.campaignID) == [1])
    }

    @Test func noCampaignOrAClosedWindowChangesNothing() throws {
        let plain = try SaleQuote.compute(amount: .rubles(450), redeem: .none, account: silver(), rules: rules)
        var evening = wednesdayAfternoon
        evening.minuteOfDay = 1_200
        let closed = try SaleQuote.compute(
            amount: .rubles(450), redeem: .none, account: silver(), rules: rules, campaigns: [happyHours], at: evening)
        #expect(closed == plain)
        #expect(closed.pointsEarned == 9 && closed.campaignEffects.isEmpty)
    }

    @Test func salesThatSpendPointsEarnOnlyWhereACampaignSaysSo() throws {
        let spending = try SaleQuote.compute(
            amount: .rubles(1_000), redeem: .points(100), account: silver(balance: 100), rules: rules, campaigns: [happyHours],
            at: wednesdayAfternoon)
        #expect(spending.pointsEarned == 0 && spending.campaignEffects.isEmpty)

        var generous = happyHours
        generous.multiplier.evenWhenRedeeming = true
        let allowed = try SaleQuote.compute(
            amount: .rubles(1_000), redeem: .points(100), account: silver(balance: 100), rules: rules, campaigns: [generous],
            at: wednesdayAfternoon)
        // 900 ₽ paid in money, Silver 2 % × 2: all of it is the campaign's.
        #expect(allowed.pointsEarned == 36)
        #expect(allowed.campaignPoints == 36)
    }

    @Test func aQuoteKeptBeforeCampaignsStillReads() throws {
        let plain = try SaleQuote.compute(amount: .rubles(450), redeem: .none, account: silver(), rules: rules)
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plain)) as! [String: Any]
        json.removeValue(forKey: "campaignEffects")
        let decoded = try JSONDecoder().decode(SaleQuote.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(decoded == plain)
    }

    @Test func anOwnersTypingMistakesAreNamed() {
        #expect(PointsMultiplier(percent: 100).problem == .multiplierOutOfRange)
        #expect(PointsMultiplier(percent: 1_100).problem == .multiplierOutOfRange)
        #expect(PointsMultiplier(percent: 200, weekdays: [0]).problem == .badWeekday)
        #expect(PointsMultiplier(percent: 200, fromMinute: 600).problem == .halfAWindow)
        #expect(PointsMultiplier(percent: 200, fromMinute: 600, toMinute: 1_440).problem == .badTime)
        #expect(
            PointsMultiplier(
                percent: 200, startsOn: CalendarDate(year: 2026, month: 12, day: 5), endsOn: CalendarDate(year: 2026, month: 12, day: 1)
            ).problem == .endsBeforeItStarts)
        #expect(happyHours.multiplier.problem == nil)
    }

    @Test func aWelcomeBonusIsPointsOrAGiftNeverBothOrNeither() {
        #expect(WelcomeBonus(points: 100).problem == nil)
        #expect(WelcomeBonus(giftCatalogID: 3).problem == nil)
        #expect(WelcomeBonus().problem == .welcomeNeedsPointsOrGift)
        #expect(WelcomeBonus(points: 50, giftCatalogID: 3).problem == .welcomeNeedsPointsOrGift)
        #expect(WelcomeBonus(points: 10_001).problem == .welcomePointsOutOfRange)
        #expect(WelcomeBonus(points: -5).problem == .welcomePointsOutOfRange)
    }

    /// Whatever a campaign adds, refunding a sale in any number of parts takes back exactly
    /// what it credited, from the balance or as debt: no cycle of sale and refund mints points.
    @Test func campaignsNeverMintPointsThroughRefunds() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 1...10_000_000), Gen.int(in: 101...1_000), Gen.int(in: 1...5), Gen.int(in: 0...400)
        ) { kopecks, percent, parts, spentMeanwhile in
            let campaign = Campaign(id: 1, version: 1, name: "x", multiplier: PointsMultiplier(percent: percent, evenWhenRedeeming: true))
            guard
                let quote = try? SaleQuote.compute(
                    amount: Money(kopecks: Int64(kopecks)), redeem: .none, account: silver(), rules: rules, campaigns: [campaign],
                    at: wednesdayAfternoon)
            else { return }
            // Without the campaign the sale earns the tier's rate; with it, never more than the multiple.
            #expect(quote.pointsEarned <= kopecks * 2 * percent / 1_000_000)
            var balance = max(0, quote.pointsCredited - spentMeanwhile)
            var debt = 0
            var refunded = Money.zero
            for index in 1...parts {
                let remaining = quote.amount - refunded
                let part = index == parts ? remaining : Money(kopecks: remaining.kopecks / 2)
                guard part.kopecks > 0, let share = try? RefundShare(refunding: part, of: quote, refundedBefore: refunded) else { continue }
                let reversal = SaleReversal.compute(for: share, balance: balance)
                balance += reversal.balanceChange
                debt += reversal.debtAdded
                refunded = refunded + part
            }
            let spent = quote.pointsCredited - max(0, quote.pointsCredited - spentMeanwhile)
            // What the guest still holds plus what they owe is what they had before the sale.
            #expect(balance == 0)
            #expect(debt == spent)
        }
    }

    @Test func aVisitCountsWhenPaidAboveTheMinimumAndNotTooSoon() {
        let card = VisitCard(every: 6, minimumKopecks: 20_000, hoursBetween: 4, giftCatalogID: 1)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(card.counts(paid: .rubles(200), lastVisit: nil, now: now))
        #expect(!card.counts(paid: .rubles(199), lastVisit: nil, now: now))
        #expect(!card.counts(paid: .zero, lastVisit: nil, now: now))
        #expect(!card.counts(paid: .rubles(500), lastVisit: now.addingTimeInterval(-3 * 3_600), now: now))
        #expect(card.counts(paid: .rubles(500), lastVisit: now.addingTimeInterval(-4 * 3_600), now: now))
        #expect(card.stamp(after: 3) == VisitProgress(stamps: 4, of: 6, completed: false))
        #expect(card.stamp(after: 5) == VisitProgress(stamps: 6, of: 6, completed: true))
        #expect(card.stamp(after: 6) == VisitProgress(stamps: 1, of: 6, completed: false))
        #expect(card.progress(after: 6) == VisitProgress(stamps: 0, of: 6, completed: false))
        #expect(VisitCard(every: 1, giftCatalogID: 1).problem == .visitsOutOfRange)
        #expect(VisitCard(every: 21, giftCatalogID: 1).problem == .visitsOutOfRange)
    }

    @Test func aReferralRewardsAPaidFirstSaleAndTheCapStopsOnlyTheReferrer() throws {
        let reward = ReferralReward(referrerPoints: 100, friendPoints: 50, minimumKopecks: 30_000, monthlyCap: 3)
        #expect(reward.qualifies(paid: .rubles(300)))
        #expect(!reward.qualifies(paid: .rubles(299)))
        #expect(!ReferralReward(referrerPoints: 100, friendPoints: 50).qualifies(paid: .zero), "a sale paid with points is no purchase")
        #expect(reward.reward(rewardedThisMonth: 2) == (50, 100, false))
        #expect(reward.reward(rewardedThisMonth: 3) == (50, 0, true))
        #expect(reward.problem == nil)
        #expect(ReferralReward(referrerPoints: 0, friendPoints: 0).problem == .referralPointsOutOfRange)
        #expect(ReferralReward(referrerPoints: 10_001, friendPoints: 0).problem == .referralPointsOutOfRange)
        #expect(ReferralReward(referrerPoints: 0, friendPoints: 50).problem == nil)
        #expect(ReferralReward(referrerPoints: 100, friendPoints: 50, monthlyCap: 0).problem == .referralCapOutOfRange)
        #expect(ReferralReward(referrerPoints: 100, friendPoints: 50, minimumKopecks: -1).problem == .badMinimum)
    }

    @Test func theMonthlyCapCountsFromTheFirstOfTheMonthInTheCafesTimeZone() throws {
        let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        // 1 December 00:30 in Moscow is still 30 November in UTC.
        let justAfterMidnight = Date(timeIntervalSince1970: 1_796_074_200)  // 2026-11-30T21:30:00Z
        #expect(ReferralReward.monthStart(containing: justAfterMidnight, in: moscow) == Date(timeIntervalSince1970: 1_796_072_400))
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(ReferralReward.monthStart(containing: justAfterMidnight, in: utc) == Date(timeIntervalSince1970: 1_793_491_200))
    }

    @Test func aCampaignsDatesIncludeTheirFirstAndLastDay() {
        let december = CampaignDates(
            startsOn: CalendarDate(year: 2026, month: 12, day: 1), endsOn: CalendarDate(year: 2026, month: 12, day: 31))
        #expect(!december.includes(CalendarDate(year: 2026, month: 11, day: 30)))
        #expect(december.includes(CalendarDate(year: 2026, month: 12, day: 1)))
        #expect(december.includes(CalendarDate(year: 2026, month: 12, day: 31)))
        #expect(!december.includes(CalendarDate(year: 2027, month: 1, day: 1)))
        #expect(CampaignDates(startsOn: CalendarDate(year: 2026, month: 12, day: 2)).includes(CalendarDate(year: 2030, month: 1, day: 1)))
        let backwards = CampaignDates(
            startsOn: CalendarDate(year: 2026, month: 12, day: 2), endsOn: CalendarDate(year: 2026, month: 12, day: 1))
        #expect(WelcomeBonus(points: 10, dates: backwards).problem == .endsBeforeItStarts)
        #expect(VisitCard(every: 6, giftCatalogID: 1, dates: backwards).problem == .endsBeforeItStarts)
        #expect(ReferralReward(referrerPoints: 1, friendPoints: 1, dates: backwards).problem == .endsBeforeItStarts)
        #expect(WelcomeBonus(points: 10).runs(on: CalendarDate(year: 1999, month: 1, day: 1)))
        #expect(!VisitCard(every: 6, giftCatalogID: 1, dates: december).runs(on: CalendarDate(year: 2027, month: 1, day: 1)))
    }

    /// Rules stored before campaigns had dates still read, as running every day.
    @Test func rulesStoredWithoutDatesStillRead() throws {
        let stored = Data(#"{"every": 6, "minimum_kopecks": 0, "hours_between": 4, "gift_catalog_id": 3}"#.utf8)
        let card = try JSONDecoder().decode(VisitCard.self, from: stored)
        #expect(card.dates == nil && card.every == 6)
    }
}
