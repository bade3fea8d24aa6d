import Domain
import Foundation
import Testing

@Suite struct AccountRulesTests {
    let rules = LoyaltyRules.defaults
    let soldAt = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aSaleMovesPointsSpendAndTierAndItsCancellationUndoesThem() throws {
        let start = LoyaltyAccount(balance: 10, debt: 0, tier: .standard, qualificationSpend: .rubles(14_900))
        let quote = try SaleQuote.compute(amount: .rubles(500), redeem: .none, account: start, rules: rules)
        let after = start.applying(quote)
        #expect(after == LoyaltyAccount(balance: 15, debt: 0, tier: .silver, qualificationSpend: .rubles(15_400)))
        let (reversal, back) = after.reverting(quote, rules: rules)
        #expect(reversal.pointsRestored == 0 && reversal.pointsTakenBack == 5 && reversal.debtAdded == 0)
        #expect(back == start)
    }

    @Test func pointsAlreadySpentBecomeDebtWhenTheirSaleIsCancelled() throws {
        let earned = try SaleQuote.compute(amount: .rubles(10_000), redeem: .none, account: .new, rules: rules)
        let afterEarning = LoyaltyAccount.new.applying(earned)
        let spent = try SaleQuote.compute(amount: .rubles(1_000), redeem: .maximum, account: afterEarning, rules: rules)
        let afterSpending = afterEarning.applying(spent)
        #expect(afterSpending.balance == 0)
        let (_, cancelled) = afterSpending.reverting(earned, rules: rules)
        #expect(cancelled.balance == 0 && cancelled.debt == 100)
    }

    @Test func anAdjustmentNeedsAReasonAndNeverTakesTheBalanceBelowZero() throws {
        #expect(throws: LoyaltyError.invalidPoints) { try PointsAdjustment(points: 0, reason: "typo") }
        #expect(throws: LoyaltyError.invalidPoints) { try PointsAdjustment(points: 5, reason: "") }
        let account = LoyaltyAccount(balance: 30, debt: 0, tier: .standard, qualificationSpend: .zero)
        #expect(try account.applying(PointsAdjustment(points: -30, reason: "fix")).balance == 0)
        #expect(throws: LoyaltyError.insufficientPoints(balance: 30)) {
            try account.applying(PointsAdjustment(points: -31, reason: "fix"))
        }
    }

    @Test func aBaristaCancelsOnlyTheirOwnSaleInsideTheWindow() throws {
        let policy = CancellationPolicy(windowMinutes: 10)
        try policy.check(.barista(staffID: 7), soldBy: 7, soldIn: 1, soldAt: soldAt, now: soldAt.addingTimeInterval(600))
        #expect(throws: LoyaltyError.cancelWindowPassed) {
            try policy.check(.barista(staffID: 7), soldBy: 7, soldIn: 1, soldAt: soldAt, now: soldAt.addingTimeInterval(601))
        }
        #expect(throws: LoyaltyError.notYourSale) {
            try policy.check(.barista(staffID: 8), soldBy: 7, soldIn: 1, soldAt: soldAt, now: soldAt)
        }
        try policy.check(.backOffice, soldBy: 7, soldIn: 1, soldAt: soldAt, now: soldAt.addingTimeInterval(86_400))
    }

    @Test func aManagerCancelsAnySaleOfTheirOwnLocationOnly() throws {
        let policy = CancellationPolicy(windowMinutes: 10)
        try policy.check(.manager(locationID: 1), soldBy: 7, soldIn: 1, soldAt: soldAt, now: soldAt.addingTimeInterval(30 * 86_400))
        try policy.check(.manager(locationID: 1), soldBy: nil, soldIn: 1, soldAt: soldAt, now: soldAt)
        #expect(throws: LoyaltyError.notYourLocation) {
            try policy.check(.manager(locationID: 2), soldBy: 7, soldIn: 1, soldAt: soldAt, now: soldAt)
        }
    }

    @Test func aGiftIsUsableOnceAndUntilItExpires() throws {
        try GiftUse.check(redeemed: false, expiresAt: soldAt.addingTimeInterval(1), now: soldAt)
        #expect(throws: LoyaltyError.giftAlreadyRedeemed) { try GiftUse.check(redeemed: true, expiresAt: .distantFuture, now: soldAt) }
        #expect(throws: LoyaltyError.giftExpired) { try GiftUse.check(redeemed: false, expiresAt: soldAt, now: soldAt) }
    }
}
