import Domain
import PropertyBased
import Testing

/// A guest's points under any sequence of sales, redemptions and cancellations, applied by the
/// shipped rules (`LoyaltyAccount.applying`, `.reverting`). The property: no sequence ever creates
/// points.
@Suite struct LedgerPropertyTests {
    struct Model {
        var account = LoyaltyAccount.new
        var active: [SaleQuote] = []
        let rules = LoyaltyRules.defaults

        var balance: Int { account.balance }
        var debt: Int { account.debt }
        var spend: Money { account.qualificationSpend }
        var tier: Tier { account.tier }

        mutating func sell(rubles: Int64, redeem: RedeemRequest) {
            guard let quote = try? SaleQuote.compute(amount: .rubles(rubles), redeem: redeem, account: account, rules: rules) else {
                return
            }
            account = account.applying(quote)
            active.append(quote)
        }

        mutating func cancel(index: Int) {
            guard !active.isEmpty else { return }
            let quote = active.remove(at: index % active.count)
            account = account.reverting(quote, rules: rules).account
        }
    }

    @Test func buyThenSpendThenCancelTheFirstLeavesDebtThatLaterEarningsRepay() {
        var model = Model()
        model.sell(rubles: 10_000, redeem: .none)  // earns 100
        #expect(model.balance == 100)
        model.sell(rubles: 1_000, redeem: .maximum)  // spends the 100 (cap 300)
        #expect(model.balance == 0)
        model.cancel(index: 0)
        #expect(model.balance == 0)
        #expect(model.debt == 100)
        model.sell(rubles: 3_000, redeem: .none)  // earns 30, all to the debt
        #expect(model.debt == 70)
        #expect(model.balance == 0)
    }

    @Test func cancellingARedemptionRestoresThePoints() {
        var model = Model()
        model.sell(rubles: 10_000, redeem: .none)
        model.sell(rubles: 200, redeem: .points(60))
        #expect(model.balance == 40)
        model.cancel(index: 1)
        #expect(model.balance == 100)
        #expect(model.debt == 0)
    }

    @Test func noSequenceOfSalesRedemptionsAndCancelsCreatesPoints() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...40)) { steps in
            var model = Model()
            for step in steps {
                switch step % 4 {
                case 0, 1:
                    model.sell(rubles: Int64(step / 4 % 20_000 + 1), redeem: .none)
                case 2:
                    model.sell(rubles: Int64(step / 4 % 5_000 + 1), redeem: step % 3 == 0 ? .maximum : .points(step / 8 % 400))
                default:
                    model.cancel(index: step / 4)
                }
                #expect(model.balance >= 0)
                #expect(model.debt >= 0)
                // Net points equal what the surviving sales earned minus what they redeemed.
                let granted = model.active.reduce(0) { $0 + $1.pointsEarned - $1.pointsRedeemed }
                #expect(model.balance - model.debt == granted)
                #expect(model.tier == model.rules.tier(forSpend: model.spend))
            }
        }
    }
}
