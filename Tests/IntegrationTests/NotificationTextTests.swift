import Domain
import Foundation
import Handlers
import Store
import Testing

/// What guests and managers read, rendered from stored notices in Russian.
@Suite struct NotificationTextTests {
    let renderer = NotificationRenderer(timeZone: TimeZone(identifier: "Europe/Moscow")!)

    func text(_ notice: Notice, language: Language = .ru) throws -> String {
        let item = OutboxItem(
            id: 1, chatID: 7, customerID: nil, method: "sendMessage", payload: try notice.encoded(), attempts: 0, language: language)
        let message = try #require(renderer.render(item))
        return try #require((try JSONSerialization.jsonObject(with: message.body) as? [String: Any])?["text"] as? String)
    }

    func receipt(balance: Int, debt: Int = 0) -> Notice {
        .saleReceipt(
            .init(
                orderID: 12, amount: .rubles(350), paid: .rubles(350), pointsRedeemed: 0, pointsCredited: 3, debtRepaid: 0,
                balance: balance, debt: debt, tierBefore: .standard, tierAfter: .standard, giftCount: 0
            ))
    }

    @Test(arguments: [
        (1, "Баланс: 1 балл"), (3, "Баланс: 3 балла"), (5, "Баланс: 5 баллов"), (21, "Баланс: 21 балл"), (111, "Баланс: 111 баллов"),
    ])
    func theReceiptSaysWhatWasPaidAndTheBalanceAgrees(balance: Int, line: String) throws {
        let lines = try text(receipt(balance: balance)).split(separator: "\n").map(String.init)
        #expect(lines == ["Спасибо за покупку! Заказ №12", "Сумма: 350 ₽", "Оплачено: 350 ₽", "Начислено баллов: 3", line])
    }

    @Test func anUpgradeIsToldOnTheReceiptInTheGuestsLanguage() throws {
        let upgraded = Notice.saleReceipt(
            .init(
                orderID: 40, amount: .rubles(1_200), paid: .rubles(1_200), pointsRedeemed: 0, pointsCredited: 12, debtRepaid: 0,
                balance: 150, debt: 0, tierBefore: .standard, tierAfter: .silver, giftCount: 0
            ))
        #expect(try text(upgraded).hasSuffix("Баланс: 150 баллов\n🎉 Ваш новый уровень: Серебро!"))
        #expect(try text(upgraded, language: .en).hasSuffix("Balance: 150 points\n🎉 Your new tier: Silver!"))
        #expect(!(try text(receipt(balance: 3))).contains("🎉"))
    }

    @Test func aDebtIsShownWithItsUnitAndWhatHappensToIt() throws {
        #expect(try text(receipt(balance: 0, debt: 2)).hasSuffix("Баланс: 0 баллов\nДолг: 2 балла — спишем из следующих начислений."))
    }

    @Test func aCancellationSaysThePointsWereRecounted() throws {
        let cancelled = Notice.saleCancelled(.init(orderID: 12, balance: 3, debt: 0, tier: .standard))
        #expect(try text(cancelled) == "Заказ №12 отменён, баллы пересчитаны.\nБаланс: 3 балла\nУровень: Стандарт")
    }

    @Test func managersReadTheGuestsNameWhereRussianNeedsNoDeclension() throws {
        #expect(
            try text(.reviewAlert(.init(feedbackID: 1, guest: "Мария", rating: 3, orderID: 12)))
                == "⚠️ Низкая оценка 3/10 — гость: Мария, заказ №12.")
        #expect(
            try text(.reviewComment(.init(feedbackID: 1, guest: "Мария", rating: 3, text: "Холодно")))
                == "💬 Комментарий к оценке 3/10 (гость: Мария):\nХолодно")
        #expect(
            try text(.guestMessage(.init(feedbackID: 2, guest: "Мария", text: "Спасибо!")))
                == "✉️ Сообщение руководству. Гость: Мария\nСпасибо!")
        #expect(
            try text(.broadcastFailed(.init(broadcastID: 4, failed: 1, recipients: 21)))
                == "⚠️ Рассылка №4 не дошла до 1 из 21 гостя (заблокировали бота или ошибка доставки).")
    }

    @Test func aRefundSaysWhatCameBackAndWhatWasTakenBack() throws {
        let refund = Notice.saleRefunded(
            .init(orderID: 12, amount: .rubles(150), pointsRestored: 10, pointsTakenBack: 4, balance: 22, debt: 0, tier: .silver))
        #expect(
            try text(refund)
                == "Возврат по заказу №12: 150 ₽.\nВернули баллов: 10\nСписали начисленных баллов: 4\nБаланс: 22 балла\nУровень: Серебро")
        #expect(
            try text(refund, language: .en)
                == "Refund on order #12: 150 ₽.\nPoints returned: 10\nEarned points taken back: 4\nBalance: 22 points\nTier: Silver")
    }

    @Test func expiringPointsAgreeWithTheirNumberAndNameTheDay() throws {
        let day = CalendarDate(year: 2027, month: 3, day: 5)
        #expect(
            try text(.pointsExpiring(.init(points: 21, day: day)))
                == "⏳ 21 балл сгорит 05.03.2027. Успейте потратить их раньше — ждём вас!")
        #expect(try text(.pointsExpiring(.init(points: 3, day: day))).hasPrefix("⏳ 3 балла сгорят 05.03.2027."))
        #expect(try text(.pointsExpiring(.init(points: 111, day: day))).hasPrefix("⏳ 111 баллов сгорят 05.03.2027."))
        #expect(
            try text(.pointsExpiring(.init(points: 1, day: day)), language: .en)
                == "⏳ 1 point expires on 05.03.2027. Use your points before then — see you soon!")
        #expect(
            try text(.pointsExpired(.init(points: 120, day: day, balance: 41)))
                == "120 баллов сгорели 05.03.2027: закончился срок их действия.\nБаланс: 41 балл")
        #expect(
            try text(.pointsExpired(.init(points: 1, day: day, balance: 0)), language: .en)
                == "1 point expired on 05.03.2027.\nBalance: 0 points")
    }
}
