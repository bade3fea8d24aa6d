import CremaTestSupport
import Domain
import Foundation
import PostgresNIO
import Testing

@testable import Store

/// The sale on the pool is one write guarded by the account it was quoted from: here the guest
/// is read as `confirmSale` reads them, something changes before the write, and the write must
/// leave everything as it found it, so the sale can read again.
@Suite struct GuardedSaleTests {
    @Test func aWriteOverAnAccountThatChangedSinceItWasReadWritesNothing() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let pos = Actor.apiKey(id: "pos-main")
            let request = SaleRequest(idempotencyKey: "stale", guest: .customer(maria.id), amount: .rubles(500), redeem: .none)
            let stale = try await fixture.read(GuestByID<UnlockedRow>(idempotencyKey: request.idempotencyKey, guest: maria.id))
            _ = try await fixture.store.adjustPoints(customerID: maria.id, by: 40, reason: "Извинение", actor: pos, at: TestDefaults.now)

            let orderID = try await fixture.write(stale, request, by: pos)
            #expect(orderID == nil)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
            #expect(try await fixture.store.customer(id: maria.id)?.account.balance == 40)
            #expect(try await fixture.checkLedger().isClean)

            // Read again, the same sale goes through on the account as it is now.
            let sale = try await fixture.store.confirmSale(request, by: pos, locationID: fixture.mainLocationID, at: TestDefaults.now)
            #expect(sale.balanceAfter == 45)
        }
    }

    @Test func aWriteThatConsumedTheCodeOverAChangedAccountIsUndoneWhole() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let request = SaleRequest(idempotencyKey: "stale-code", guest: .code(code), amount: .rubles(500), redeem: .none)
            let stale = try await fixture.read(GuestByCode<UnlockedRow>(idempotencyKey: request.idempotencyKey, guest: code.digits))
            _ = try await fixture.store.adjustPoints(
                customerID: maria.id, by: 40, reason: "Извинение", actor: barista, at: TestDefaults.now)

            let error = await #expect(throws: PSQLError.self) { try await fixture.write(stale, request, by: barista) }
            #expect(error?.serverInfo?[.sqlState] == "40001")
            #expect(try await fixture.count("SELECT count(*) FROM payment_codes") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
            #expect(try await fixture.checkLedger().isClean)

            let sale = try await fixture.store.confirmSale(request, by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now)
            #expect(sale.balanceAfter == 45)
            #expect(try await fixture.count("SELECT count(*) FROM payment_codes") == 0)
        }
    }

    @Test func aCodeAnotherBaristaTookAfterTheReadIsNotConsumed() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let other = try await fixture.staff(.barista, name: "Другой бариста")
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let request = SaleRequest(idempotencyKey: "held", guest: .code(code), amount: .rubles(500), redeem: .none)
            let stale = try await fixture.read(GuestByCode<UnlockedRow>(idempotencyKey: request.idempotencyKey, guest: code.digits))
            #expect(try await fixture.store.lookUpAndHold(code: code, for: try #require(other.staffID), at: TestDefaults.now).held)

            #expect(try await fixture.write(stale, request, by: barista) == nil)
            #expect(try await fixture.count("SELECT count(*) FROM payment_codes") == 1)
            #expect(try await fixture.store.customer(id: maria.id)?.account.balance == 0)
            await #expect(throws: LoyaltyError.codeInUse) {
                try await fixture.store.confirmSale(request, by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now)
            }
        }
    }
}

extension LoyaltyFixture {
    fileprivate func read<Statement: SaleGuestStatement>(_ statement: Statement) async throws -> SaleGuest {
        try await database.withConnection(logger: logger) { connection in
            try #require(try await connection.run(statement, logger: logger).first { _ in true })
        }
    }

    /// The sale's one write, quoted on `guest` as read.
    fileprivate func write(_ guest: SaleGuest, _ request: SaleRequest, by actor: Actor) async throws -> Int64? {
        let moment = SaleMoment(TestDefaults.now, in: guest.settings.cafeTimeZone, locationID: mainLocationID)
        let quote = try SaleQuote.compute(
            amount: request.amount, redeem: request.redeem, account: guest.account, rules: guest.settings.rules,
            campaigns: guest.campaigns, at: moment)
        var code: String?
        if case .code(let paymentCode) = request.guest { code = paymentCode.digits }
        let sale = QuotedSale(guest: guest, code: code, quote: quote, moment: moment)
        let write = try sale.write(request, by: actor, locationID: mainLocationID, at: TestDefaults.now)
        return try await database.withConnection(logger: logger) { connection in
            try await connection.run(write, logger: logger).first { _ in true } ?? nil
        }
    }
}
