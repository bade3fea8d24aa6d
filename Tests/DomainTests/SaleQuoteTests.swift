import Domain
import Foundation
import PropertyBased
import Testing

@Suite struct SaleQuoteTests {
    let rules = LoyaltyRules.defaults

    func account(balance: Int = 0, debt: Int = 0, tier: Tier = .standard, spend: Money = .zero) -> LoyaltyAccount {
        LoyaltyAccount(balance: balance, debt: debt, tier: tier, qualificationSpend: spend)
    }

    @Test func standardEarnsOnePointPerFullHundredRoubles() throws {
        let quote = try SaleQuote.compute(amount: Money(kopecks: 35_050), redeem: .none, account: account(), rules: rules)
        #expect(quote.pointsEarned == 3)
        #expect(quote.pointsRedeemed == 0)
        #expect(quote.amountToPay == Money(kopecks: 35_050))
    }

    @Test func redeemingAnyPointsEarnsNothing() throws {
        let quote = try SaleQuote.compute(amount: .rubles(1_000), redeem: .points(1), account: account(balance: 50), rules: rules)
        #expect(quote.pointsRedeemed == 1)
        #expect(quote.amountToPay == .rubles(999))
        #expect(quote.pointsEarned == 0)
    }

    @Test func maximumIsTheCapOrTheBalanceWhicheverIsLower() throws {
        let capped = try SaleQuote.compute(amount: .rubles(1_000), redeem: .maximum, account: account(balance: 500), rules: rules)
        #expect(capped.pointsRedeemed == 300)
        let poor = try SaleQuote.compute(amount: .rubles(1_000), redeem: .maximum, account: account(balance: 120), rules: rules)
        #expect(poor.pointsRedeemed == 120)
    }

    @Test func refusesMoreThanTheBalanceOrTheCap() {
        #expect(throws: LoyaltyError.insufficientPoints(balance: 100)) {
            try SaleQuote.compute(amount: .rubles(1_000), redeem: .points(101), account: account(balance: 100), rules: rules)
        }
        #expect(throws: LoyaltyError.redeemAboveCap(maximum: 300)) {
            try SaleQuote.compute(amount: .rubles(1_000), redeem: .points(301), account: account(balance: 1_000), rules: rules)
        }
    }

    @Test func refusesNonsenseAmounts() {
        #expect(throws: LoyaltyError.invalidAmount) {
            try SaleQuote.compute(amount: .zero, redeem: .none, account: account(), rules: rules)
        }
        #expect(throws: LoyaltyError.amountTooLarge(maximum: rules.maximumSale)) {
            try SaleQuote.compute(amount: rules.maximumSale + Money(kopecks: 1), redeem: .none, account: account(), rules: rules)
        }
    }

    @Test func aSaleThatCrossesAThresholdUpgradesTheTier() throws {
        let quote = try SaleQuote.compute(amount: .rubles(2_000), redeem: .none, account: account(spend: .rubles(14_000)), rules: rules)
        #expect(quote.tierBefore == .standard)
        #expect(quote.tierAfter == .silver)
        // The sale earns at the tier the guest had when it started.
        #expect(quote.earnRatePercent == 1)
    }

    @Test func earningsRepayDebtFirst() throws {
        let quote = try SaleQuote.compute(amount: .rubles(1_000), redeem: .none, account: account(debt: 4), rules: rules)
        #expect(quote.pointsEarned == 10)
        #expect(quote.debtRepaid == 4)
        #expect(quote.pointsCredited == 6)
    }

    @Test func quoteArithmeticHoldsForAnyAmountBalanceAndRequest() async {
        await propertyCheck(
            count: 500,
            input: Gen.int(in: 1...10_000_000), Gen.int(in: 0...50_000), Gen.int(in: 0...40), Gen.int(in: -1...20_000)
        ) { kopecks, balance, debt, requested in
            let redeem: RedeemRequest = requested < 0 ? .maximum : (requested == 0 ? .none : .points(requested))
            let standing = account(balance: balance, debt: debt)
            guard
                let quote = try? SaleQuote.compute(amount: Money(kopecks: Int64(kopecks)), redeem: redeem, account: standing, rules: rules)
            else { return }
            #expect(quote.pointsRedeemed >= 0 && quote.pointsEarned >= 0 && quote.amountToPay.kopecks >= 0)
            #expect(quote.pointsRedeemed <= balance)
            #expect(Int64(quote.pointsRedeemed) * 100 * 100 <= Int64(kopecks) * Int64(rules.redeemCapPercent))
            #expect(!(quote.pointsRedeemed > 0 && quote.pointsEarned > 0))
            #expect(quote.amountToPay + .rubles(Int64(quote.pointsRedeemed)) == quote.amount)
            #expect(quote.debtRepaid <= debt && quote.pointsCredited >= 0)
            // The same request gives the same quote: what the barista saw is what confirm writes.
            let again = try? SaleQuote.compute(amount: Money(kopecks: Int64(kopecks)), redeem: redeem, account: standing, rules: rules)
            #expect(again == quote)
        }
    }

    /// The staff bot shows the "most points" quote as the sale's quote when nothing can be spent
    /// (`StaffBot.takeAmount`): that is only right if the two are the same, campaigns included.
    @Test func withNothingToSpendTheMostPointsQuoteIsTheNoPointsQuote() async {
        let happyHours = Campaign(id: 1, version: 1, name: "×2", multiplier: PointsMultiplier(percent: 200))
        let moment = SaleMoment(Date(timeIntervalSince1970: 1_790_000_000), in: TimeZone(identifier: "Europe/Moscow")!, locationID: 1)
        await propertyCheck(
            count: 300, input: Gen.int(in: 1...10_000_000), Gen.int(in: 0...50_000), Gen.int(in: 0...40), Gen.int(in: 0...1)
        ) { kopecks, balance, debt, withCampaign in
            let standing = account(balance: balance, debt: debt)
            let amount = Money(kopecks: Int64(kopecks))
            let campaigns = withCampaign == 1 ? [happyHours] : []
            guard
                let most = try? SaleQuote.compute(
                    amount: amount, redeem: .maximum, account: standing, rules: rules, campaigns: campaigns, at: moment),
                most.pointsRedeemed == 0
            else { return }
            let none = try? SaleQuote.compute(
                amount: amount, redeem: .none, account: standing, rules: rules, campaigns: campaigns, at: moment)
            #expect(none == most)
        }
    }
}
