import CremaTestSupport
import Domain
import Foundation
import PostgresNIO
import Testing

@testable import Store

/// A barista's look-up that opens a sale holds the guest's code in the same statement: the card
/// is the code as it was before that hold, another till is refused, a refused code is never
/// held, and of two tills racing for one code exactly one holds it.
@Suite struct CodeHoldTests {
    static let holdMinutes: TimeInterval = 5 * 60

    @Test func theLookUpHoldsTheCodeAndBringsTheGuestsGifts() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let anna = try #require(try await fixture.staff(.barista, name: "Анна").staffID)
            let drink = try #require(try await fixture.store.giftCatalog().first)
            let gift = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "Извинение", by: .system, at: TestDefaults.now)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code

            let (card, held) = try await fixture.store.lookUpAndHold(code: code, for: anna, at: TestDefaults.now)
            #expect(held)
            #expect(card.customerID == maria.id && card.firstName == maria.firstName)
            #expect(card.activeGifts.map(\.id) == [gift.id])
            #expect(card.activeGifts.first?.name.russian == drink.name.russian)
            #expect(card.activeGifts == (try await fixture.store.activeGifts(customerID: maria.id, at: TestDefaults.now)))
            #expect(try await heldUntil(code, by: anna, in: fixture) == TestDefaults.now.addingTimeInterval(Self.holdMinutes))
            #expect(try await fixture.store.lookUp(code: code, by: anna, at: TestDefaults.now).activeGifts.map(\.id) == [gift.id])
        }
    }

    @Test func anotherTillIsRefusedAndTheHoldStaysItsBaristas() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let anna = try #require(try await fixture.staff(.barista, name: "Анна").staffID)
            let boris = try #require(try await fixture.staff(.barista, name: "Борис").staffID)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            #expect(try await fixture.store.lookUpAndHold(code: code, for: anna, at: TestDefaults.now).held)

            let later = TestDefaults.now.addingTimeInterval(30)
            await #expect(throws: LoyaltyError.codeInUse) {
                try await fixture.store.lookUpAndHold(code: code, for: boris, at: later)
            }
            #expect(try await heldUntil(code, by: anna, in: fixture) == TestDefaults.now.addingTimeInterval(Self.holdMinutes))

            // Past the code's own 90 s the hold still makes it Anna's, and hers alone.
            let pastLifetime = TestDefaults.now.addingTimeInterval(120)
            let (card, held) = try await fixture.store.lookUpAndHold(code: code, for: anna, at: pastLifetime)
            #expect(held && card.customerID == maria.id)
            await #expect(throws: LoyaltyError.codeInUse) {
                try await fixture.store.lookUpAndHold(code: code, for: boris, at: pastLifetime)
            }
        }
    }

    @Test func aRefusedCodeIsNeverHeld() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let anna = try #require(try await fixture.staff(.barista, name: "Анна").staffID)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            await #expect(throws: LoyaltyError.codeExpired) {
                try await fixture.store.lookUpAndHold(code: code, for: anna, at: TestDefaults.now.addingTimeInterval(91))
            }
            await #expect(throws: LoyaltyError.codeNotFound) {
                try await fixture.store.lookUpAndHold(code: PaymentCode(number: UInt64(code.digits)! + 1), for: anna, at: TestDefaults.now)
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes WHERE held_by_staff_id IS NOT NULL") == 0)
        }
    }

    @Test func withoutHoldsTheLookUpIsEnoughAndHoldsNothing() async throws {
        try await LoyaltyFixture.with { fixture in
            #expect(
                try await fixture.count(
                    "WITH s AS (UPDATE settings SET value = '0' WHERE key = 'code_hold_minutes' RETURNING 1) SELECT count(*)::int FROM s")
                    == 1)
            let maria = try await fixture.guest()
            let anna = try #require(try await fixture.staff(.barista, name: "Анна").staffID)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            #expect(try await fixture.store.lookUpAndHold(code: code, for: anna, at: TestDefaults.now).held)
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes WHERE held_by_staff_id IS NOT NULL") == 0)
        }
    }

    @Test func ofTwoTillsRacingForOneCodeExactlyOneHoldsIt() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let anna = try #require(try await fixture.staff(.barista, name: "Анна").staffID)
            let boris = try #require(try await fixture.staff(.barista, name: "Борис").staffID)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let store = Store(database: fixture.database, logger: fixture.logger) { PaymentCode(number: 1) }

            // Anna's transaction holds the code and waits; Boris's look-up began before her commit,
            // so it reads the code unheld, waits for her row lock, and then finds it taken.
            let borisResult = try await store.transaction { tx in
                #expect(try await tx.loyalty.lookUpAndHold(code: code, for: anna, at: TestDefaults.now).held)
                let boris = Task {
                    try await store.transaction { other in
                        try await other.loyalty.lookUpAndHold(code: code, for: boris, at: TestDefaults.now).held
                    }
                }
                // Generous: in a full parallel run Boris's task can take seconds to reach PostgreSQL,
                // and the wait ends at the first sight of his lock.
                let deadline = ContinuousClock.now + .seconds(20)
                while try await fixture.count(Self.waitingForALock) == 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(try await fixture.count(Self.waitingForALock) == 1, "Boris waits for Anna")
                return boris
            }
            let borisHeld = try await borisResult.value
            #expect(!borisHeld)
            #expect(try await heldUntil(code, by: anna, in: fixture) == TestDefaults.now.addingTimeInterval(Self.holdMinutes))
        }
    }

    /// Sessions of this test's database waiting for a lock (`pg_locks` is the whole cluster's,
    /// and in a full run other tests wait for theirs too).
    private static let waitingForALock: PostgresQuery =
        "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"

    private func heldUntil(_ code: PaymentCode, by staffID: Int64, in fixture: LoyaltyFixture) async throws -> Date? {
        let epoch = try await fixture.text(
            "SELECT extract(epoch FROM held_until)::text FROM payment_codes WHERE code = \(code.digits) AND held_by_staff_id = \(staffID)")
        return epoch.flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
    }
}
