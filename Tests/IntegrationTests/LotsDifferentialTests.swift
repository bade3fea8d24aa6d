import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Random sequences of sales, redemptions, partial refunds, cancellations, manual entries and
/// days passing (with the expiry job run), through the real store and through the Domain rules
/// with lots side by side: after every step the account and the lots (what each holds and when it
/// expires, oldest first) agree, every refusal agrees, and the ledger check is clean at the end.
@Suite struct LotsDifferentialTests {
    enum Step {
        case sell(rubles: Int64, redeem: RedeemRequest)
        case refund(index: Int, kopecks: Int64)
        case cancel(index: Int)
        case adjust(points: Int)
        case pass(days: Int)
    }

    struct Sale {
        var orderID: Int64
        var quote: SaleQuote
        var lot: Int64?
        var drawn: [LotMovement]
        var refunded = Money.zero
    }

    static func steps(seed: UInt64, count: Int) -> [Step] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in
            switch random.next() % 12 {
            case 0...3: return .sell(rubles: Int64(random.next() % 20_000 + 1), redeem: .none)
            case 4, 5:
                let redeem: RedeemRequest = random.next() % 2 == 0 ? .maximum : .points(Int(random.next() % 300))
                return .sell(rubles: Int64(random.next() % 5_000 + 1), redeem: redeem)
            case 6, 7: return .refund(index: Int(random.next() % 1_000), kopecks: Int64(random.next() % 400_000 + 1))
            case 8: return .cancel(index: Int(random.next() % 1_000))
            case 9: return .adjust(points: Int(random.next() % 400) - 250)
            default: return .pass(days: Int(random.next() % 25))
            }
        }
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func theStoreAndTheDomainRulesAgreeOnLotsOnEveryStep(seed: UInt64) async throws {
        try await LoyaltyFixture.with { fixture in
            _ = try await fixture.count("UPDATE settings SET value = to_jsonb(1) WHERE key = 'points_validity_months' RETURNING 1")
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let admin = Actor.admin(id: "differential")
            let settings = try await fixture.store.settings()
            let (rules, validity, zone) = (settings.rules, settings.pointsValidity, settings.cafeTimeZone)
            var account = LoyaltyAccount.new
            var lots = PointLots([])
            var nextLot: Int64 = 1
            var sales: [Sale] = []
            var now = TestDefaults.now

            func newLot(_ points: Int) -> Int64 {
                defer { nextLot += 1 }
                lots.add(PointLot(id: nextLot, remaining: points, expiresOn: validity.expiry(ofPointsEarnedAt: now, in: zone)))
                return nextLot
            }

            func reverse(_ index: Int, _ reversal: SaleReversal) {
                var sale = sales[index]
                let given = lots.giveBack(reversal.pointsRestored, of: sale.drawn)
                for move in given {
                    if let position = sale.drawn.firstIndex(where: { $0.lotID == move.lotID }) {
                        sale.drawn[position] = LotMovement(lotID: move.lotID, points: sale.drawn[position].points - move.points)
                    }
                }
                _ = lots.takeBack(reversal.pointsTakenBack, preferring: sale.lot)
                sales[index] = sale
            }

            for (number, step) in Self.steps(seed: seed, count: 50).enumerated() {
                now = now.addingTimeInterval(4 * 60)
                switch step {
                case .sell(let rubles, let redeem):
                    let expected = Result { () throws(LoyaltyError) in
                        try SaleQuote.compute(amount: .rubles(rubles), redeem: redeem, account: account, rules: rules)
                    }
                    do {
                        let sale = try await fixture.sell(to: guest, rubles: rubles, redeem: redeem, by: barista, at: now)
                        #expect(sale.quote == (try? expected.get()), "step \(number)")
                        let drawn = try lots.draw(sale.quote.pointsRedeemed).map { LotMovement(lotID: $0.lotID, points: -$0.points) }
                        account = account.applying(sale.quote)
                        let lot = sale.quote.pointsCredited > 0 ? newLot(sale.quote.pointsCredited) : nil
                        sales.append(Sale(orderID: sale.orderID, quote: sale.quote, lot: lot, drawn: drawn))
                    } catch let refusal as LoyaltyError {
                        #expect(throws: refusal) { try expected.get() }
                    }
                case .refund(let index, let kopecks):
                    guard !sales.isEmpty else { continue }
                    let position = index % sales.count
                    let sale = sales[position]
                    let expected = Result { () throws(LoyaltyError) in
                        try account.refunding(Money(kopecks: kopecks), of: sale.quote, refundedBefore: sale.refunded, rules: rules)
                    }
                    do {
                        let refunded = try await fixture.store.refundSale(
                            RefundRequest(
                                orderID: sale.orderID, amount: Money(kopecks: kopecks), reason: "differential",
                                idempotencyKey: "refund-\(number)"),
                            by: admin, at: now)
                        let (reversal, after) = try expected.get()
                        #expect(refunded.reversal == reversal, "step \(number)")
                        account = after
                        sales[position].refunded = sale.refunded + Money(kopecks: kopecks)
                        reverse(position, reversal)
                    } catch let refusal as LoyaltyError {
                        #expect(throws: refusal) { try expected.get() }
                    }
                case .cancel(let index):
                    guard !sales.isEmpty else { continue }
                    let position = index % sales.count
                    let sale = sales[position]
                    let cancelled = try await fixture.store.cancelSale(orderID: sale.orderID, by: admin, reason: "differential", at: now)
                    let (reversal, after) = account.reverting(sale.quote, refundedBefore: sale.refunded, rules: rules)
                    #expect(cancelled.reversal == reversal, "step \(number)")
                    account = after
                    reverse(position, reversal)
                    sales.remove(at: position)
                case .adjust(let points):
                    let expected = Result { () throws(LoyaltyError) in
                        try account.applying(PointsAdjustment(points: points, reason: "differential"))
                    }
                    do {
                        _ = try await fixture.store.adjustPoints(
                            customerID: guest.id, by: points, reason: "differential", actor: admin, at: now)
                        account = try expected.get()
                        if points > 0 { _ = newLot(points) } else { _ = try lots.draw(-points) }
                    } catch let refusal as LoyaltyError {
                        #expect(throws: refusal) { try expected.get() }
                    }
                case .pass(let days):
                    now = now.addingTimeInterval(Double(days) * 86_400)
                    let today = CalendarDate(now, in: zone)
                    let report = try await fixture.store.expirePoints(today: today, at: now)
                    let expired = lots.expire(on: today)
                    #expect(report.expiredPoints == -expired.reduce(0) { $0 + $1.points }, "step \(number)")
                    account.balance += expired.reduce(0) { $0 + $1.points }
                }
                let stored = try #require(try await fixture.store.customer(id: guest.id)).account
                #expect(stored == account, "step \(number): \(step)")
                let storedLots = try await fixture.database.withConnection(logger: fixture.logger) { connection in
                    try await connection.query(
                        "SELECT remaining, expires_on::text FROM point_lots WHERE customer_id = \(guest.id) ORDER BY earned_at, id",
                        logger: fixture.logger
                    ).collect().map { try $0.decode((Int, String?).self) }
                }
                #expect(storedLots.map(\.0) == lots.lots.map(\.remaining), "step \(number): \(step)")
                #expect(storedLots.map(\.1) == lots.lots.map { $0.expiresOn?.description }, "step \(number)")
            }
            // The seeds are chosen so that every kind of step really happens.
            #expect(try await fixture.count("SELECT count(*)::int FROM order_refunds") > 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM points_ledger WHERE kind = 'expiry'") > 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM points_ledger WHERE kind = 'redeem'") > 0)
            #expect(try await fixture.checkLedger().isClean)
        }
    }
}
