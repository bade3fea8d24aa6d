import Domain
import Testing

@Suite struct PointLotsTests {
    let march15 = CalendarDate(year: 2027, month: 3, day: 15)

    func lots(_ remaining: Int...) -> PointLots {
        PointLots(remaining.enumerated().map { PointLot(id: Int64($0 + 1), remaining: $1, expiresOn: nil) })
    }

    @Test func spendingTakesTheOldestLotFirst() throws {
        var wallet = lots(100, 50, 30)
        let moves = try wallet.draw(120)
        #expect(moves == [LotMovement(lotID: 1, points: -100), LotMovement(lotID: 2, points: -20)])
        #expect(wallet.lots.map(\.remaining) == [0, 30, 30])
        #expect(throws: LoyaltyError.insufficientPoints(balance: 60)) { try wallet.draw(61) }
    }

    @Test func aReversalTakesFromTheSalesOwnLotFirstThenTheOldestAndReportsWhatIsMissing() {
        var wallet = lots(10, 5, 40)
        let (moves, shortfall) = wallet.takeBack(60, preferring: 3)
        #expect(moves == [LotMovement(lotID: 3, points: -40), LotMovement(lotID: 1, points: -10), LotMovement(lotID: 2, points: -5)])
        #expect(shortfall == 5)
        #expect(wallet.total == 0)
    }

    @Test func pointsGivenBackReturnToTheirLotsNewestDrawFirst() {
        var wallet = lots(0, 0, 7)
        let drawn = [LotMovement(lotID: 1, points: 30), LotMovement(lotID: 2, points: 20)]
        #expect(wallet.giveBack(25, of: drawn) == [LotMovement(lotID: 2, points: 20), LotMovement(lotID: 1, points: 5)])
        #expect(wallet.lots.map(\.remaining) == [5, 20, 7])
    }

    @Test func lotsExpireOnTheirDayWithWhatTheyHold() {
        var wallet = PointLots([
            PointLot(id: 1, remaining: 40, expiresOn: march15),
            PointLot(id: 2, remaining: 0, expiresOn: march15),
            PointLot(id: 3, remaining: 9, expiresOn: march15.adding(days: 1)),
            PointLot(id: 4, remaining: 5, expiresOn: nil),
        ])
        #expect(wallet.expire(on: march15.adding(days: -1)).isEmpty)
        #expect(wallet.expire(on: march15) == [LotMovement(lotID: 1, points: -40)])
        #expect(wallet.expire(on: march15).isEmpty)
        #expect(wallet.total == 14)
        #expect(wallet.expire(on: march15.adding(days: 1)) == [LotMovement(lotID: 3, points: -9)])
    }

    @Test func validityAddsCalendarMonthsAndKeepsToTheMonthsLastDay() {
        let twelve = PointsValidity(months: 12)
        #expect(twelve.expiry(ofPointsEarnedOn: CalendarDate(year: 2027, month: 1, day: 31)) == CalendarDate(year: 2028, month: 1, day: 31))
        #expect(
            PointsValidity(months: 1).expiry(ofPointsEarnedOn: CalendarDate(year: 2027, month: 1, day: 31))
                == CalendarDate(year: 2027, month: 2, day: 28))
        #expect(
            PointsValidity(months: 1).expiry(ofPointsEarnedOn: CalendarDate(year: 2028, month: 1, day: 30))
                == CalendarDate(year: 2028, month: 2, day: 29))
        #expect(
            PointsValidity(months: 3).expiry(ofPointsEarnedOn: CalendarDate(year: 2027, month: 11, day: 15))
                == CalendarDate(year: 2028, month: 2, day: 15))
        #expect(PointsValidity.forever.expiry(ofPointsEarnedOn: march15) == nil)
    }
}

@Suite struct RefundShareTests {
    let rules = LoyaltyRules.defaults

    func quote(rubles: Int64, redeem: RedeemRequest = .none, balance: Int = 0, debt: Int = 0) throws -> SaleQuote {
        try SaleQuote.compute(
            amount: .rubles(rubles), redeem: redeem,
            account: LoyaltyAccount(balance: balance, debt: debt, tier: .standard, qualificationSpend: .zero), rules: rules)
    }

    @Test func thirdsOfAnOrderReverseItsPointsExactlyOnceInAll() throws {
        let sale = try quote(rubles: 1_000)  // earns 10
        var before = Money.zero
        var credited: [Int] = []
        for third in [Money(kopecks: 33_333), Money(kopecks: 33_333), Money(kopecks: 33_334)] {
            credited.append(try RefundShare(refunding: third, of: sale, refundedBefore: before).credited)
            before = before + third
        }
        #expect(credited == [3, 3, 4])
        #expect(throws: LoyaltyError.refundAboveOrder(refundable: .zero)) {
            try RefundShare(refunding: .rubles(1), of: sale, refundedBefore: before)
        }
    }

    @Test func aRefundCannotPassWhatIsLeftOrBeNothing() throws {
        let sale = try quote(rubles: 450)
        #expect(throws: LoyaltyError.refundAboveOrder(refundable: .rubles(150))) {
            try RefundShare(refunding: .rubles(200), of: sale, refundedBefore: .rubles(300))
        }
        #expect(throws: LoyaltyError.invalidAmount) { try RefundShare(refunding: .zero, of: sale, refundedBefore: .zero) }
        #expect(throws: LoyaltyError.invalidAmount) { try RefundShare(refunding: Money(kopecks: -5), of: sale, refundedBefore: .zero) }
    }

    @Test func redeemedPointsAndRepaidDebtComeBackInProportion() throws {
        let sale = try quote(rubles: 1_000, redeem: .points(200), balance: 200)
        #expect(sale.pointsRedeemed == 200)
        let half = try RefundShare(refunding: .rubles(500), of: sale, refundedBefore: .zero)
        #expect(half.redeemed == 100)
        let indebted = try quote(rubles: 1_000, debt: 4)  // earns 10, 4 of them repay the debt
        let share = try RefundShare(refunding: .rubles(500), of: indebted, refundedBefore: .zero)
        #expect(share.credited == 3)
        #expect(share.debtRepaid == 2)
    }

    @Test func aCancellationAfterRefundsReversesOnlyWhatTheyLeft() throws {
        let sale = try quote(rubles: 1_000)  // earns 10
        let account = LoyaltyAccount.new.applying(sale)
        let (refund, afterRefund) = try account.refunding(.rubles(300), of: sale, refundedBefore: .zero, rules: rules)
        #expect(refund.pointsTakenBack == 3)
        let (cancel, afterCancel) = afterRefund.reverting(sale, refundedBefore: .rubles(300), rules: rules)
        #expect(cancel.pointsTakenBack == 7)
        #expect(afterCancel.balance == 0)
        #expect(afterCancel.qualificationSpend == .zero)
    }
}
