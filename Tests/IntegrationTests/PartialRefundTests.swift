import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// Part of an order refunded (an item returned): its share of the points reversed, never more
/// than the order in all, idempotent, by the right people only.
@Suite struct PartialRefundTests {
    func refund(
        _ order: Int64, rubles: Int64, key: String = UUID().uuidString, by actor: Actor = .admin(id: "owner"),
        _ fixture: LoyaltyFixture
    ) async throws -> RefundedSale {
        try await fixture.store.refundSale(
            RefundRequest(orderID: order, amount: .rubles(rubles), reason: "one cappuccino returned", idempotencyKey: key),
            by: actor, at: TestDefaults.now.addingTimeInterval(600))
    }

    @Test func refundsReverseTheirShareAndTogetherExactlyTheSale() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            try await fixture.sell(to: guest, rubles: 10_000, by: barista)  // 100 points
            let sale = try await fixture.sell(to: guest, rubles: 1_000, redeem: .points(100), by: barista)  // pays 900, earns 0
            #expect(sale.quote.pointsRedeemed == 100)
            let second = try await fixture.sell(to: guest, rubles: 1_000, by: barista)  // earns 10
            let first = try await refund(second.orderID, rubles: 300, fixture)
            #expect(first.reversal == SaleReversal(pointsRestored: 0, pointsTakenBack: 3, debtAdded: 0))
            #expect(first.refundedTotal == .rubles(300))
            let redeemed = try await refund(sale.orderID, rubles: 500, fixture)
            #expect(redeemed.reversal.pointsRestored == 50)
            let rest = try await refund(second.orderID, rubles: 700, fixture)
            #expect(rest.reversal.pointsTakenBack == 7)
            await #expect(throws: LoyaltyError.refundAboveOrder(refundable: .zero)) {
                try await refund(second.orderID, rubles: 1, fixture)
            }
            let account = try #require(try await fixture.store.customer(id: guest.id)).account
            #expect(account.balance == 100 - 100 + 50)
            #expect(account.qualificationSpend == .rubles(10_000 + 1_000 - 500))
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func theSameKeyGivesTheSameRefundAndAnotherRefundUnderItIsRefused() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let sale = try await fixture.sell(to: guest, rubles: 1_000, by: try await fixture.staff(.barista))
            let once = try await refund(sale.orderID, rubles: 200, key: "refund-1", fixture)
            let again = try await refund(sale.orderID, rubles: 200, key: "refund-1", fixture)
            #expect(again == once)
            await #expect(throws: LoyaltyError.idempotencyKeyReused) {
                try await refund(sale.orderID, rubles: 300, key: "refund-1", fixture)
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM order_refunds") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE payload->>'template' = 'sale_refunded'") == 1)
        }
    }

    @Test func spentPointsOfARefundBecomeDebtAndTheTierIsRecomputedWithHistory() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let big = try await fixture.sell(to: guest, rubles: 20_000, by: barista)  // Silver from 15 000 ₽; 200 points
            try await fixture.sell(to: guest, rubles: 1_000, redeem: .maximum, by: barista)  // spends 300? at most the balance
            let refunded = try await refund(big.orderID, rubles: 10_000, fixture)
            let account = try #require(try await fixture.store.customer(id: guest.id)).account
            #expect(account.tier == .standard)
            #expect(refunded.tierAfter == .standard)
            #expect(refunded.reversal.pointsTakenBack + refunded.reversal.debtAdded == 100)
            #expect(account.balance == 0 || refunded.reversal.debtAdded == 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM tier_history WHERE cause = 'refund'") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func aCancellationAfterARefundReversesWhatIsLeftAndRefundsStopAfterIt() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let sale = try await fixture.sell(to: guest, rubles: 1_000, by: try await fixture.staff(.barista))
            _ = try await refund(sale.orderID, rubles: 400, fixture)
            let cancelled = try await fixture.store.cancelSale(
                orderID: sale.orderID, by: .admin(id: "owner"), reason: "all of it", at: TestDefaults.now.addingTimeInterval(900))
            #expect(cancelled.reversal.pointsTakenBack == 6)
            #expect(cancelled.balanceAfter == 0)
            await #expect(throws: LoyaltyError.alreadyCancelled) { try await refund(sale.orderID, rubles: 100, fixture) }
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func baristasDoNotRefundAndManagersRefundOnlyTheirLocation() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let sale = try await fixture.sell(to: guest, rubles: 1_000, by: barista)
            await #expect(throws: LoyaltyError.refundNeedsManager) { try await refund(sale.orderID, rubles: 100, by: barista, fixture) }
            let elsewhere = Actor.staff(id: 999, role: .manager, locationID: fixture.mainLocationID + 1)
            await #expect(throws: LoyaltyError.notYourLocation) { try await refund(sale.orderID, rubles: 100, by: elsewhere, fixture) }
            let manager = try await fixture.staff(.manager, name: "Manager")
            #expect(try await refund(sale.orderID, rubles: 100, by: manager, fixture).reversal.pointsTakenBack == 1)
        }
    }

    @Test func twentyConcurrentRefundsOfOneOrderNeverPassItsAmount() async throws {
        try await LoyaltyFixture.with { fixture in
            let guest = try await fixture.guest()
            let sale = try await fixture.sell(to: guest, rubles: 1_000, by: try await fixture.staff(.barista))
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { (try? await refund(sale.orderID, rubles: 150, fixture)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 6)
            #expect(try await fixture.count("SELECT sum(amount_kopecks)::int FROM order_refunds") == 90_000)
            #expect(try await fixture.count("SELECT sum(points_taken_back)::int FROM order_refunds") <= 10)
            #expect(try await fixture.checkLedger().isClean)
        }
    }
}
