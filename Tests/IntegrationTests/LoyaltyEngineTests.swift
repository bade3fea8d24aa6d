import CremaTestSupport
import Domain
import Foundation
import PostgresNIO
import Store
import Testing

@Suite struct RegistrationAndCodeTests {
    @Test func aSecondRegistrationOfTheSameAccountOrPhoneIsADomainError() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest(111_111_111)
            #expect(maria.account.tier == .standard && maria.account.balance == 0)
            await #expect(throws: LoyaltyError.alreadyRegistered) {
                try await fixture.store.registerCustomer(
                    .init(telegramID: 111_111_111, phone: PhoneNumber(normalizing: "+79990000000")!, firstName: "M", language: .ru),
                    at: TestDefaults.now)
            }
            await #expect(throws: LoyaltyError.phoneTaken) {
                try await fixture.store.registerCustomer(
                    .init(telegramID: 222, phone: maria.phone, firstName: "Other", language: .en), at: TestDefaults.now)
            }
        }
    }

    @Test func aNewCodeVoidsTheOldOneAndLookingDoesNotConsume() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let first = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now)
            #expect(first.expiresAt == TestDefaults.now.addingTimeInterval(90))
            #expect(try await fixture.store.lookUp(code: first.code, at: TestDefaults.now).customerID == maria.id)
            #expect(try await fixture.store.lookUp(code: first.code, at: TestDefaults.now).firstName == "Мария")

            let second = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now)
            #expect(second.code != first.code)
            await #expect(throws: LoyaltyError.codeNotFound) {
                try await fixture.store.lookUp(code: first.code, at: TestDefaults.now)
            }
            await #expect(throws: LoyaltyError.codeExpired) {
                try await fixture.store.lookUp(code: second.code, at: TestDefaults.now.addingTimeInterval(91))
            }
        }
    }

    @Test func anExpiredCodeCannotConfirmASale() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            await #expect(throws: LoyaltyError.codeExpired) {
                try await fixture.store.confirmSale(
                    SaleRequest(idempotencyKey: "late", guest: .code(code), amount: .rubles(300), redeem: .none),
                    by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now.addingTimeInterval(120))
            }
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 0)
        }
    }
}

@Suite struct SaleConfirmationTests {
    @Test func aSaleWritesOrderLedgerBalanceAuditAndReceipt() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let sale = try await fixture.sell(to: maria, rubles: 1_250, by: barista)

            #expect(sale.quote.pointsEarned == 12)
            #expect(sale.balanceAfter == 12)
            #expect(try await fixture.store.customer(id: maria.id)?.account.balance == 12)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM points_ledger WHERE order_id = \(sale.orderID) AND kind = 'earn' AND points = 12") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM payment_codes") == 0)
            #expect(try await fixture.count("SELECT count(*) FROM audit_log WHERE action = 'sale.confirmed'") == 1)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM outbox WHERE chat_id = 111111111 AND payload->>'template' = 'sale_receipt' AND (payload->>'balance')::int = 12"
                ) == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func fiftyConcurrentConfirmationsOfOneCodeMakeExactlyOneOrder() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code

            let outcomes = await withTaskGroup(of: Result<Int64, any Error>.self) { group in
                for attempt in 0..<50 {
                    group.addTask {
                        do {
                            let sale = try await fixture.store.confirmSale(
                                SaleRequest(idempotencyKey: "till-\(attempt)", guest: .code(code), amount: .rubles(500), redeem: .none),
                                by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now)
                            return .success(sale.orderID)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let orders = outcomes.compactMap { try? $0.get() }
            let refusals = outcomes.compactMap { outcome -> LoyaltyError? in
                if case .failure(let error) = outcome { return error as? LoyaltyError }
                return nil
            }
            #expect(orders.count == 1)
            #expect(refusals.count == 49)
            #expect(refusals.allSatisfy { $0 == .codeNotFound || $0 == .codeAlreadyUsed })
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func fiftyConcurrentConfirmationsWithOneKeyAllGetTheSameOrder() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let request = SaleRequest(idempotencyKey: "callback-77", guest: .code(code), amount: .rubles(500), redeem: .none)

            let results = try await withThrowingTaskGroup(of: ConfirmedSale.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await fixture.store.confirmSale(request, by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 50)
            #expect(Set(results.map(\.orderID)).count == 1)
            #expect(results.allSatisfy { $0 == results[0] })
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM outbox") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func theConfirmedSaleIsExactlyTheQuoteTheBaristaSaw() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let manager = try await fixture.staff(.manager)
            try await fixture.sell(to: maria, rubles: 20_000, by: manager)
            let code = try await fixture.store.issueCode(customerID: maria.id, at: TestDefaults.now).code
            let shown = try await fixture.store.quote(code: code, amount: Money(kopecks: 123_456), redeem: .maximum, at: TestDefaults.now)
            let sale = try await fixture.store.confirmSale(
                SaleRequest(idempotencyKey: "q=c", guest: .code(code), amount: Money(kopecks: 123_456), redeem: .maximum),
                by: manager, locationID: fixture.mainLocationID, at: TestDefaults.now)
            #expect(sale.quote == shown)
            #expect(shown.pointsRedeemed == 200 && shown.pointsEarned == 0)  // the balance, below the 370-point cap
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func aUsedKeyWithADifferentSaleIsRefused() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            try await fixture.sell(to: maria, rubles: 300, by: barista, key: "k-1")
            await #expect(throws: LoyaltyError.idempotencyKeyReused) {
                try await fixture.sell(to: maria, rubles: 400, by: barista, key: "k-1")
            }
        }
    }

    @Test func fiftyConcurrentSalesForOneGuestCreditEveryPoint() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let pos = Actor.apiKey(id: "pos-main")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sale in 0..<50 {
                    group.addTask {
                        _ = try await fixture.store.confirmSale(
                            SaleRequest(idempotencyKey: "pos-\(sale)", guest: .customer(maria.id), amount: .rubles(200), redeem: .none),
                            by: pos, locationID: fixture.mainLocationID, at: TestDefaults.now)
                    }
                }
                try await group.waitForAll()
            }
            let account = try #require(try await fixture.store.customer(id: maria.id)?.account)
            #expect(account.balance == 100)
            #expect(account.qualificationSpend == .rubles(10_000))
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func concurrentDebitsNeverTakeTheBalanceBelowZero() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            _ = try await fixture.store.adjustPoints(
                customerID: maria.id, by: 100, reason: "welcome", actor: .admin(id: "owner"), at: TestDefaults.now)
            let successes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        (try? await fixture.store.adjustPoints(
                            customerID: maria.id, by: -7, reason: "correction", actor: .admin(id: "owner"), at: TestDefaults.now)) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(successes == 14)
            #expect(try await fixture.store.customer(id: maria.id)?.account.balance == 2)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func concurrentSalesRedeemingMoreThanTheBalanceTogetherNeverTakeItBelowZero() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista)
            _ = try await fixture.store.adjustPoints(
                customerID: maria.id, by: 100, reason: "welcome", actor: .admin(id: "owner"), at: TestDefaults.now)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for till in 0..<8 {
                    group.addTask {
                        let request = SaleRequest(
                            idempotencyKey: "till-\(till)", guest: .customer(maria.id), amount: .rubles(1_000), redeem: .points(60))
                        return
                            (try? await fixture.store.confirmSale(
                                request, by: barista, locationID: fixture.mainLocationID, at: TestDefaults.now)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await fixture.store.customer(id: maria.id)?.account.balance == 40)
            #expect(try await fixture.count("SELECT count(*)::int FROM orders WHERE points_redeemed = 60") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func theLedgerRefusesEditsAndDeletes() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            _ = try await fixture.store.adjustPoints(
                customerID: maria.id, by: 5, reason: "test", actor: .admin(id: "owner"), at: TestDefaults.now)
            await #expect(throws: PSQLError.self) { try await fixture.count("UPDATE points_ledger SET points = 500 RETURNING 1") }
            await #expect(throws: PSQLError.self) { try await fixture.count("DELETE FROM points_ledger RETURNING 1") }
        }
    }
}

@Suite struct CancellationTests {
    @Test func aBaristaCancelsOwnSaleWithinTheWindowOnly() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let barista = try await fixture.staff(.barista, name: "Anna")
            let other = try await fixture.staff(.barista, name: "Oleg")
            let first = try await fixture.sell(to: maria, rubles: 1_000, by: barista)
            let second = try await fixture.sell(to: maria, rubles: 1_000, by: barista)

            await #expect(throws: LoyaltyError.notYourSale) {
                try await fixture.store.cancelSale(orderID: first.orderID, by: other, reason: "typo", at: TestDefaults.now)
            }
            let cancelled = try await fixture.store.cancelSale(
                orderID: first.orderID, by: barista, reason: "wrong amount", at: TestDefaults.now.addingTimeInterval(9 * 60))
            #expect(cancelled.reversal.pointsTakenBack == 10)
            #expect(cancelled.balanceAfter == 10)
            await #expect(throws: LoyaltyError.alreadyCancelled) {
                try await fixture.store.cancelSale(orderID: first.orderID, by: barista, reason: "again", at: TestDefaults.now)
            }
            await #expect(throws: LoyaltyError.cancelWindowPassed) {
                try await fixture.store.cancelSale(
                    orderID: second.orderID, by: barista, reason: "late", at: TestDefaults.now.addingTimeInterval(11 * 60))
            }
            let manager = try await fixture.staff(.manager, name: "Boss")
            _ = try await fixture.store.cancelSale(
                orderID: second.orderID, by: manager, reason: "refund", at: TestDefaults.now.addingTimeInterval(3 * 24 * 3600))
            #expect(try await fixture.store.customer(id: maria.id)?.account.balance == 0)
            #expect(try await fixture.count("SELECT count(*) FROM orders") == 2)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func tierGoesUpOnASaleAndDownOnACancelThatCrossesTheThreshold() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let manager = try await fixture.staff(.manager)
            try await fixture.sell(to: maria, rubles: 14_000, by: manager)
            let upgrade = try await fixture.sell(to: maria, rubles: 2_000, by: manager)
            #expect(upgrade.quote.tierAfter == .silver)
            #expect(try await fixture.store.customer(id: maria.id)?.account.tier == .silver)

            let downgrade = try await fixture.store.cancelSale(
                orderID: upgrade.orderID, by: manager, reason: "refund", at: TestDefaults.now)
            #expect(downgrade.tierAfter == .standard)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM tier_history WHERE customer_id = \(maria.id) AND from_tier = 'standard' AND to_tier = 'silver' AND cause = 'sale'"
                ) == 1)
            #expect(
                try await fixture.count(
                    "SELECT count(*) FROM tier_history WHERE customer_id = \(maria.id) AND from_tier = 'silver' AND to_tier = 'standard' AND cause = 'cancellation'"
                ) == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }

    @Test func spentPointsOfACancelledSaleBecomeDebtThatLaterEarningsRepay() async throws {
        try await LoyaltyFixture.with { fixture in
            let maria = try await fixture.guest()
            let manager = try await fixture.staff(.manager)
            let first = try await fixture.sell(to: maria, rubles: 10_000, by: manager)  // +100
            try await fixture.sell(to: maria, rubles: 1_000, redeem: .maximum, by: manager)  // -100
            let cancelled = try await fixture.store.cancelSale(orderID: first.orderID, by: manager, reason: "refund", at: TestDefaults.now)
            #expect(cancelled.balanceAfter == 0)
            #expect(cancelled.debtAfter == 100)

            let next = try await fixture.sell(to: maria, rubles: 3_000, by: manager)  // earns 30, all to the debt
            #expect(next.quote.debtRepaid == 30)
            #expect(next.balanceAfter == 0)
            #expect(next.debtAfter == 70)
            #expect(try await fixture.count("SELECT count(*) FROM points_ledger WHERE kind = 'debt' AND debt = 100") == 1)
            #expect(try await fixture.count("SELECT count(*) FROM points_ledger WHERE kind = 'debt_repayment' AND debt = -30") == 1)
            #expect(try await fixture.checkLedger().isClean)
        }
    }
}

@Suite struct CheckLedgerCommandTests {
    @Test func reportsACleanLedgerAndFailsOnATamperedBalance() async throws {
        try await withTestDatabase { url in
            let environment = ["APP_ENV": "test", "DATABASE_URL": url.string, "LOG_LEVEL": "error"]
            _ = try await CremaProcess.run(["seed-demo"], environment: environment)
            let clean = try await CremaProcess.run(["check-ledger"], environment: environment)
            #expect(clean.status == 0, "\(clean.stderr)")
            #expect(clean.stdout.contains("checked 8 customers and 0 orders: ledger is clean"))

            try await RunningDatabase.with(url: url) { database in
                try await database.withConnection(logger: .init(label: "test")) { connection in
                    try await connection.query(
                        "UPDATE customers SET points_balance = 50 WHERE id = (SELECT min(id) FROM customers)", logger: .init(label: "test"))
                }
            }
            let tampered = try await CremaProcess.run(["check-ledger"], environment: environment)
            #expect(tampered.status == 1)
            #expect(tampered.stdout.contains("cached balance or debt differs from the ledger sum"))
        }
    }
}
