import Domain
import PropertyBased
import Testing

/// The engine's rules with lots, over any sequence of sales, redemptions, partial refunds,
/// cancellations, manual entries and days passing: no sequence mints points, the lots always
/// make up the balance, and refunds never pass their order.
@Suite struct LotsPropertyTests {
    struct Sale {
        var quote: SaleQuote
        var lot: Int64?
        /// What the sale drew from each lot and has not been given back.
        var drawn: [LotMovement]
        var refunded = Money.zero
        var cancelled = false
        /// What its refunds and cancellation reversed so far.
        var restored = 0
        var credited = 0
        var repaid = 0
    }

    struct Model {
        var account = LoyaltyAccount.new
        var lots = PointLots([])
        var sales: [Sale] = []
        var nextLot: Int64 = 1
        var day = CalendarDate(year: 2027, month: 1, day: 10)
        var manual = 0
        var expired = 0
        let rules = LoyaltyRules.defaults
        let validity = PointsValidity(months: 2)

        mutating func newLot(_ points: Int) -> Int64 {
            defer { nextLot += 1 }
            lots.add(PointLot(id: nextLot, remaining: points, expiresOn: validity.expiry(ofPointsEarnedOn: day)))
            return nextLot
        }

        mutating func sell(rubles: Int64, redeem: RedeemRequest) {
            guard let quote = try? SaleQuote.compute(amount: .rubles(rubles), redeem: redeem, account: account, rules: rules),
                let drawn = try? lots.draw(quote.pointsRedeemed)
            else { return }
            account = account.applying(quote)
            let lot = quote.pointsCredited > 0 ? newLot(quote.pointsCredited) : nil
            sales.append(Sale(quote: quote, lot: lot, drawn: drawn.map { LotMovement(lotID: $0.lotID, points: -$0.points) }))
        }

        mutating func reverse(_ index: Int, refund amount: Money?) {
            guard !sales.isEmpty else { return }
            let index = index % sales.count
            var sale = sales[index]
            guard !sale.cancelled else { return }
            let reversal: SaleReversal
            let share: RefundShare
            if let amount {
                guard let result = try? account.refunding(amount, of: sale.quote, refundedBefore: sale.refunded, rules: rules),
                    let refundShare = try? RefundShare(refunding: amount, of: sale.quote, refundedBefore: sale.refunded)
                else { return }
                (reversal, account, share) = (result.reversal, result.account, refundShare)
                sale.refunded = sale.refunded + amount
            } else {
                let result = account.reverting(sale.quote, refundedBefore: sale.refunded, rules: rules)
                (reversal, account) = (result.reversal, result.account)
                share =
                    sale.refunded == .zero
                    ? RefundShare(of: sale.quote)
                    : (try? RefundShare(refunding: sale.quote.amount - sale.refunded, of: sale.quote, refundedBefore: sale.refunded))
                        ?? .nothing
                sale.cancelled = true
            }
            let given = lots.giveBack(reversal.pointsRestored, of: sale.drawn)
            for move in given {
                if let position = sale.drawn.firstIndex(where: { $0.lotID == move.lotID }) {
                    sale.drawn[position] = LotMovement(lotID: move.lotID, points: sale.drawn[position].points - move.points)
                }
            }
            let (_, shortfall) = lots.takeBack(reversal.pointsTakenBack, preferring: sale.lot)
            #expect(shortfall == 0)
            #expect(given.reduce(0) { $0 + $1.points } == reversal.pointsRestored)
            sale.restored += share.redeemed
            sale.credited += share.credited
            sale.repaid += share.debtRepaid
            sales[index] = sale
        }

        mutating func adjust(_ points: Int) {
            guard let adjustment = try? PointsAdjustment(points: points, reason: "property"),
                let after = try? account.applying(adjustment)
            else { return }
            if points > 0 {
                _ = newLot(points)
            } else {
                _ = try? lots.draw(-points)
            }
            account = after
            manual += points
        }

        mutating func pass(days: Int) {
            day = day.adding(days: days)
            let moves = lots.expire(on: day)
            let points = moves.reduce(0) { $0 - $1.points }
            account.balance -= points
            expired += points
        }
    }

    @Test func noSequenceMintsPointsAndTheLotsAlwaysMakeUpTheBalance() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...60)) { steps in
            var model = Model()
            for step in steps {
                switch step % 7 {
                case 0, 1: model.sell(rubles: Int64(step / 7 % 20_000 + 1), redeem: .none)
                case 2: model.sell(rubles: Int64(step / 7 % 5_000 + 1), redeem: step % 3 == 0 ? .maximum : .points(step / 14 % 400))
                case 3: model.reverse(step / 7, refund: Money(kopecks: Int64(step % 300_000 + 1)))
                case 4: model.reverse(step / 7, refund: nil)
                case 5: model.adjust(step / 7 % 400 - 250)
                default: model.pass(days: step / 7 % 40)
                }
                #expect(model.lots.total == model.account.balance)
                #expect(model.lots.lots.allSatisfy { $0.remaining >= 0 })
                #expect(model.account.balance >= 0)
                #expect(model.account.debt >= 0)
                for sale in model.sales {
                    #expect(sale.refunded <= sale.quote.amount)
                    #expect(sale.restored <= sale.quote.pointsRedeemed)
                    #expect(sale.credited <= sale.quote.pointsCredited)
                    #expect(sale.repaid <= sale.quote.debtRepaid)
                    if sale.cancelled || sale.refunded == sale.quote.amount {
                        #expect(sale.restored == sale.quote.pointsRedeemed)
                        #expect(sale.credited == sale.quote.pointsCredited)
                        #expect(sale.repaid == sale.quote.debtRepaid)
                    }
                }
                // Net points: what the sales still hold, by hand, minus what expired.
                let held = model.sales.reduce(0) { total, sale in
                    total + (sale.quote.pointsEarned - sale.quote.pointsRedeemed) - (sale.credited + sale.repaid - sale.restored)
                }
                #expect(model.account.balance - model.account.debt == held + model.manual - model.expired)
                #expect(model.account.tier == model.rules.tier(forSpend: model.account.qualificationSpend))
            }
        }
    }
}
