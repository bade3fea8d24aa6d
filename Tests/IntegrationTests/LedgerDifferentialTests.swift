import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Random sequences of sales (with and without points), cancellations (inside and outside a
/// barista's window) and manual adjustments, driven through the real store and through the Domain
/// rules side by side: after every step the guest's balance, debt, tier and spend agree, every
/// refusal agrees, and the ledger check is clean at the end.
@Suite struct LedgerDifferentialTests {
    enum Step {
        case sell(rubles: Int64, redeem: RedeemRequest)
        case cancel(index: Int, byBarista: Bool)
        case adjust(points: Int)
    }

    static func steps(seed: UInt64, count: Int) -> [Step] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in
            switch random.next() % 10 {
            case 0...4: return .sell(rubles: Int64(random.next() % 20_000 + 1), redeem: .none)
            case 5, 6:
                let redeem: RedeemRequest = random.next() % 2 == 0 ? .maximum : .points(Int(random.next() % 300))
                return .sell(rubles: Int64(random.next() % 5_000 + 1), redeem: redeem)
            case 7, 8: return .cancel(index: Int(random.next() % 1_000), byBarista: random.next() % 3 == 0)
            default: return .adjust(points: Int(random.next() % 400) - 250)
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func theStoreAndTheDomainRulesAgreeOnEveryStep(seed: UInt64) async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let manager = try await fixture.staff(.manager, name: "Manager")
            let admin = Actor.admin(id: "differential")
            let rules = try await fixture.store.settings().rules
            let policy = CancellationPolicy(windowMinutes: try await fixture.store.settings().cancelWindowMinutes)
            var model = LoyaltyAccount.new
            var sales: [(id: Int64, quote: SaleQuote, at: Date)] = []
            var now = TestDefaults.now

            for (number, step) in Self.steps(seed: seed, count: 40).enumerated() {
                now = now.addingTimeInterval(4 * 60)
                switch step {
                case .sell(let rubles, let redeem):
                    let expected = Result { () throws(LoyaltyError) in
                        try SaleQuote.compute(amount: .rubles(rubles), redeem: redeem, account: model, rules: rules)
                    }
                    do {
                        let sale = try await fixture.sell(to: guest, rubles: rubles, redeem: redeem, by: barista, at: now)
                        #expect(sale.quote == (try? expected.get()), "step \(number)")
                        model = model.applying(sale.quote)
                        sales.append((sale.orderID, sale.quote, now))
                    } catch let refusal as LoyaltyError {
                        #expect(throws: refusal) { try expected.get() }
                    }
                case .cancel(let index, let byBarista):
                    guard !sales.isEmpty else { continue }
                    let sale = sales[index % sales.count]
                    let actor = byBarista ? barista : manager
                    let canceller: CancellationPolicy.Canceller =
                        byBarista ? .barista(staffID: barista.staffIDValue) : .manager(locationID: fixture.mainLocationID)
                    let allowed = Result { () throws(LoyaltyError) in
                        try policy.check(canceller, soldBy: barista.staffIDValue, soldIn: fixture.mainLocationID, soldAt: sale.at, now: now)
                    }
                    do {
                        let cancelled = try await fixture.store.cancelSale(orderID: sale.id, by: actor, reason: "differential", at: now)
                        #expect((try? allowed.get()) != nil, "step \(number)")
                        let (reversal, after) = model.reverting(sale.quote, rules: rules)
                        #expect(cancelled.reversal == reversal)
                        model = after
                        sales.removeAll { $0.id == sale.id }
                    } catch let refusal as LoyaltyError {
                        #expect(throws: refusal) { try allowed.get() }
                    }
                case .adjust(let points):
                    let expected = Result { () throws(LoyaltyError) in
                        try model.applying(PointsAdjustment(points: points, reason: "differential"))
                    }
                    do {
                        let balance = try await fixture.store.adjustPoints(
                            customerID: guest.id, by: points, reason: "differential", actor: admin, at: now
                        )
                        model = try expected.get()
                        #expect(balance == model.balance)
                    } catch let refusal as LoyaltyError {
                        #expect(throws: refusal) { try expected.get() }
                    }
                }
                let stored = try #require(try await fixture.store.customer(id: guest.id)).account
                #expect(stored == model, "step \(number): \(step)")
            }
            #expect(try await fixture.checkLedger().isClean)
        }
    }
}

/// A small deterministic generator, so a failing seed replays exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Actor {
    var staffIDValue: Int64 { Int64(id) ?? 0 }
}
