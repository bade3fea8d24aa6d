import Domain
import Foundation
import Store

/// Everything the staff bot says, in the staff member's language (Russian by default).
struct StaffTexts: Sendable {
    let language: Language

    private func t(_ russian: String, _ english: String) -> String {
        language == .ru ? russian : english
    }

    // Menu
    var saleButton: String { t("🧾 Продажа", "🧾 Sale") }
    var giftButton: String { t("🎁 Подарок", "🎁 Gift") }
    var cancelSaleButton: String { t("↩️ Отмена продажи", "↩️ Cancel a sale") }
    var historyButton: String { t("📋 История за сегодня", "📋 Today's history") }
    var messageGuestButton: String { t("✉️ Сообщение гостю", "✉️ Message a guest") }
    var broadcastButton: String { t("📣 Рассылка", "📣 Broadcast") }
    var cancelButton: String { t("✖️ Отмена", "✖️ Cancel") }

    // Access
    var refusal: String {
        t(
            "Этот бот только для сотрудников кофейни. Чтобы подключиться, попросите у администратора ссылку-приглашение.",
            "This bot is for café staff only. To join, ask an administrator for an invite link.")
    }
    func roleName(_ role: Actor.StaffRole) -> String {
        role == .manager ? t("менеджер", "manager") : t("бариста", "barista")
    }
    func welcome(name: String, role: Actor.StaffRole) -> String {
        let roleName = roleName(role)
        return t(
            "Здравствуйте, \(name)! Вы подключены как \(roleName). Введите код гостя, чтобы провести продажу.",
            "Hello, \(name)! You are connected as a \(roleName). Type a guest's code to make a sale.")
    }
    var inviteUsed: String {
        t(
            "Эта ссылка-приглашение уже использована. Попросите у администратора новую.",
            "This invite link has already been used. Ask an administrator for a new one.")
    }
    var inviteExpired: String {
        t(
            "Срок действия ссылки-приглашения истёк. Попросите у администратора новую.",
            "This invite link has expired. Ask an administrator for a new one.")
    }
    var inviteUnknown: String {
        t(
            "Ссылка-приглашение не найдена. Проверьте ссылку или попросите новую.",
            "This invite link is not valid. Check it or ask for a new one.")
    }
    var alreadyConnected: String { t("Вы уже подключены.", "You are already connected.") }
    var managersOnly: String { t("Это доступно только менеджерам.", "Only managers can do this.") }

    // Sale
    var askCode: String { t("Введите 6-значный код гостя из клиентского бота.", "Type the guest's 6-digit code from the client bot.") }
    var askCodeOrPhone: String { t("Введите код гостя или его телефон.", "Type the guest's code or phone number.") }
    func card(_ card: GuestCardView) -> String {
        var lines = [
            t("Гость: \(card.name)", "Guest: \(card.name)"), t("Уровень: \(tierName(card.tier))", "Tier: \(tierName(card.tier))"),
            t("Баланс: \(RussianPlural.points(card.balance))", "Balance: \(card.balance) points"),
        ]
        if card.debt > 0 { lines.append(t("Долг: \(RussianPlural.points(card.debt))", "Points debt: \(card.debt)")) }
        if !card.gifts.isEmpty {
            lines.append(
                t("Подарки: ", "Gifts: ") + card.gifts.map { "\($0.name) (\(t("до", "until")) \($0.until))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
    var askAmount: String { t("Введите сумму заказа, например 350 или 350,50.", "Type the order amount, e.g. 350 or 350.50.") }
    var amountUnreadable: String {
        t("Не понял сумму. Введите число, например 350 или 350,50.", "I could not read the amount. Type a number, e.g. 350 or 350.50.")
    }
    var amountNotPositive: String { t("Сумма должна быть больше нуля.", "The amount must be above zero.") }
    func amountTooLarge(_ maximum: Money) -> String {
        t(
            "Сумма больше допустимой (\(maximum)). Проверьте и введите снова.",
            "The amount is above the limit (\(maximum)). Check it and type it again.")
    }
    func askRedeem(amount: Money, maximum: Int) -> String {
        t(
            "Сумма \(amount). Списать баллы? Доступно до \(RussianPlural.pointsGenitive(maximum)).",
            "Amount \(amount). Redeem points? Up to \(maximum).")
    }
    var noPointsButton: String { t("Без баллов", "No points") }
    func maxPointsButton(_ points: Int) -> String { t("Списать \(points)", "Redeem \(points)") }
    var enterPointsButton: String { t("Указать число", "Enter a number") }
    func giftToggle(_ name: String, selected: Bool) -> String { (selected ? "✅ " : "🎁 ") + name }
    var askPoints: String { t("Сколько баллов списать?", "How many points to redeem?") }
    var pointsUnreadable: String { t("Введите целое число баллов, например 100.", "Type a whole number of points, e.g. 100.") }
    func quote(_ quote: SaleQuote, gifts: [String]) -> String {
        var lines = [t("Заказ: \(quote.amount)", "Order: \(quote.amount)")]
        if quote.pointsRedeemed > 0 {
            lines.append(t("Списание: \(RussianPlural.points(quote.pointsRedeemed))", "Redeemed: \(quote.pointsRedeemed) points"))
        }
        lines.append(t("К оплате: \(quote.amountToPay)", "To pay: \(quote.amountToPay)"))
        if quote.pointsRedeemed > 0 && quote.pointsEarned == 0 {
            lines.append(t("Баллы не начисляются (есть списание)", "No points are earned when points are redeemed"))
        } else {
            lines.append(t("Начислится: \(RussianPlural.points(quote.pointsEarned))", "To earn: \(quote.pointsEarned) points"))
            for effect in quote.campaignEffects {
                lines.append(t("в т.ч. по акции «\(effect.name)»: +\(effect.points)", "including \(effect.name): +\(effect.points)"))
            }
        }
        if !gifts.isEmpty { lines.append(t("Подарки: ", "Gifts: ") + gifts.joined(separator: ", ")) }
        lines.append(t("Уровень после покупки: \(tierName(quote.tierAfter))", "Tier after: \(tierName(quote.tierAfter))"))
        return lines.joined(separator: "\n")
    }
    var confirmButton: String { t("✅ Подтвердить", "✅ Confirm") }
    func saleDone(order: Int64, paid: Money) -> String {
        t(
            "✅ Продажа проведена. Заказ №\(order). К оплате: \(paid). Чек отправлен гостю.",
            "✅ Sale confirmed. Order #\(order). To pay: \(paid). The receipt is on its way to the guest.")
    }
    var cancelThisSaleButton: String { t("↩️ Отменить продажу", "↩️ Cancel this sale") }
    var previousSaleDropped: String {
        t(
            "↪️ Предыдущая продажа не проведена, ничего не списано. Новый гость:",
            "↪️ The previous sale was not made; nothing was charged. Next guest:")
    }
    var previousActionDropped: String {
        t("↪️ Предыдущее действие отменено. Новый гость:", "↪️ The previous action was dropped. Next guest:")
    }
    /// The reason a cancellation from the till app records when the barista gives none.
    var cancelledFromTheTill: String { t("Отменено на кассе", "Cancelled at the till") }
    var saleAbandoned: String { t("Продажа не проведена, ничего не списано.", "Sale abandoned; nothing was charged.") }
    var done: String { t("Готово", "Done") }
    func throttled(seconds: Int) -> String {
        t(
            "Слишком много неверных кодов. Подождите \(RussianPlural.secondsAccusative(seconds)).",
            "Too many wrong codes. Wait \(seconds) s.")
    }

    // Cancel
    var pickSaleToCancel: String {
        t(
            "Какую продажу отменить? Выберите из последних или введите номер заказа.",
            "Which sale should be cancelled? Pick a recent one or type the order number.")
    }
    var nothingCancelled: String { t("Хорошо, ничего не отменяем.", "All right, nothing is cancelled.") }
    var noSalesTodayTypeANumber: String {
        t(
            "Сегодня продаж нет. Чтобы отменить более раннюю, введите номер заказа.",
            "No sales today. To cancel an earlier one, type the order number.")
    }
    var askOrderNumber: String { t("Введите номер заказа, например 123.", "Type the order number, for example 123.") }
    func orderNotFound(_ order: Int64, location: Bool) -> String {
        location
            ? t("Заказ №\(order) не найден среди продаж вашей кофейни.", "Order #\(order) is not among your location's sales.")
            : t("Заказ №\(order) не найден среди ваших продаж.", "Order #\(order) is not among your sales.")
    }
    var nothingToCancel: String { t("Нет продаж, которые можно отменить.", "There are no sales you can cancel.") }
    func askCancelReason(order: Int64) -> String {
        t("Отмена заказа №\(order). Напишите причину.", "Cancelling order #\(order). Type the reason.")
    }
    var refundButton: String { t("💸 Вернуть часть", "💸 Refund part") }
    func askRefundAmount(order: Int64) -> String {
        t("Возврат по заказу №\(order). Какую сумму вернуть? Например, 150.", "Refund on order #\(order). How much? For example, 150.")
    }
    func askRefundReason(order: Int64, amount: Money) -> String {
        t(
            "Возврат \(amount) по заказу №\(order). Напишите причину, например «вернули капучино».",
            "Refunding \(amount) on order #\(order). Type the reason, for example “cappuccino returned”.")
    }
    func refunded(_ refund: RefundedSale) -> String {
        var ru = ["Возврат \(refund.amount) по заказу №\(refund.orderID) оформлен."]
        var en = ["Refunded \(refund.amount) on order #\(refund.orderID)."]
        if refund.reversal.pointsTakenBack > 0 {
            ru.append("Списано начисленных баллов: \(refund.reversal.pointsTakenBack).")
            en.append("Earned points taken back: \(refund.reversal.pointsTakenBack).")
        }
        if refund.reversal.pointsRestored > 0 {
            ru.append("Гостю вернули баллов: \(refund.reversal.pointsRestored).")
            en.append("Points returned to the guest: \(refund.reversal.pointsRestored).")
        }
        if refund.reversal.debtAdded > 0 {
            ru.append("Долг гостя: +\(RussianPlural.points(refund.reversal.debtAdded)).")
            en.append("Guest's points debt: +\(refund.reversal.debtAdded).")
        }
        ru.append("Гостю отправлено уведомление.")
        en.append("The guest has been told.")
        return t(ru.joined(separator: "\n"), en.joined(separator: "\n"))
    }
    func cancelled(order: Int64) -> String {
        t("Заказ №\(order) отменён. Гостю отправлено уведомление.", "Order #\(order) is cancelled. The guest has been told.")
    }

    // Gifts
    func issueGiftButton(_ name: String) -> String { t("🎁 Выдать: \(name)", "🎁 Give: \(name)") }
    func redeemGiftButton(_ name: String, until: String) -> String {
        t("✔️ Списать: \(name) (до \(until))", "✔️ Redeem: \(name) (until \(until))")
    }
    var pickGiftAction: String { t("Выдать подарок или списать имеющийся?", "Give a gift or redeem one the guest has?") }
    var askGiftReason: String { t("За что подарок? Напишите коротко.", "Reason for the gift? A few words.") }
    func giftIssued(_ name: String, until: String) -> String {
        t(
            "Подарок выдан: \(name), действует до \(until). Гостю отправлено уведомление.",
            "Gift given: \(name), valid until \(until). The guest has been told.")
    }
    func giftRedeemed(_ name: String) -> String { t("Подарок списан: \(name).", "Gift redeemed: \(name).") }

    // History
    func history(_ sales: [StaffSale], totals: StaffSalesTotals, time: (Date) -> String, location: Bool) -> String {
        let title =
            location ? t("Продажи кофейни за сегодня:", "The location's sales today:") : t("Ваши продажи сегодня:", "Your sales today:")
        guard !sales.isEmpty else { return title + "\n" + t("Пока нет.", "None yet.") }
        var lines = [title]
        for sale in sales.reversed() {
            var line = "\(time(sale.createdAt)) №\(sale.orderID) \(sale.guestName) \(sale.amount)"
            if sale.pointsRedeemed > 0 { line += " −\(sale.pointsRedeemed)" }
            if sale.pointsEarned > 0 { line += " +\(sale.pointsEarned)" }
            if sale.cancelled { line += t(" (отменён)", " (cancelled)") }
            lines.append(line)
        }
        if totals.sales > sales.count {
            lines.append(
                t("Показаны последние \(sales.count) из \(totals.sales).", "The latest \(sales.count) of \(totals.sales) are shown."))
        }
        lines.append(
            t(
                "Итого: \(RussianPlural.sales(totals.kept)) на \(totals.amount), оплачено \(totals.paid), списано \(RussianPlural.points(totals.pointsRedeemed)), начислено \(RussianPlural.points(totals.pointsEarned))",
                "Total: \(totals.kept) sales, \(totals.amount), paid \(totals.paid), \(totals.pointsRedeemed) points redeemed, \(totals.pointsEarned) earned"
            ))
        return lines.joined(separator: "\n")
    }

    /// The day's gifts given and written off; nil when there were none.
    func giftHistory(_ events: [StaffGiftEvent], given: Int, redeemed: Int, time: (Date) -> String) -> String? {
        guard given + redeemed > 0 else { return nil }
        var lines = [t("🎁 Подарки: выдано \(given), списано \(redeemed)", "🎁 Gifts: \(given) given, \(redeemed) redeemed")]
        for event in events.reversed() {
            let name = event.name[language]
            switch event.kind {
            case .given:
                let reason = event.reason.map { " (\($0))" } ?? ""
                lines.append(
                    t(
                        "\(time(event.at)) выдали: \(name) — \(event.guestName)\(reason)",
                        "\(time(event.at)) given: \(name) — \(event.guestName)\(reason)"))
            case .redeemed:
                lines.append(
                    t("\(time(event.at)) списали: \(name) — \(event.guestName)", "\(time(event.at)) redeemed: \(name) — \(event.guestName)")
                )
            }
        }
        if given + redeemed > events.count {
            lines.append(t("Показаны последние \(events.count).", "The latest \(events.count) are shown."))
        }
        return lines.joined(separator: "\n")
    }

    /// The day's cancelled sales; nil when there were none.
    func cancellationHistory(_ cancellations: [StaffCancellation], count: Int, time: (Date) -> String) -> String? {
        guard count > 0 else { return nil }
        let withRefunds = cancellations.contains(where: \.isRefund)
        var lines = [
            withRefunds
                ? t("↩️ Отмены и возвраты: \(count)", "↩️ Cancellations and refunds: \(count)")
                : t("↩️ Отмены: \(count)", "↩️ Cancellations: \(count)")
        ]
        for entry in cancellations.reversed() {
            let amount = entry.isRefund ? t("возврат \(entry.amount)", "refund \(entry.amount)") : "\(entry.amount)"
            lines.append("\(time(entry.at)) №\(entry.orderID) \(entry.guestName) \(amount) — \(entry.reason)")
        }
        if count > cancellations.count {
            lines.append(t("Показаны последние \(cancellations.count).", "The latest \(cancellations.count) are shown."))
        }
        return lines.joined(separator: "\n")
    }

    // Messages and broadcasts
    func askMessageText(to name: String) -> String {
        t("Сообщение для гостя \(name) — введите текст:", "A message to \(name): type the text.")
    }
    func messageQueued(_ name: String) -> String { t("Сообщение отправлено. Гость: \(name).", "The message to \(name) is on its way.") }
    func messageToGuest(_ text: String) -> String { t("Сообщение от кофейни:\n\(text)", "A message from the café:\n\(text)") }
    var notForYourself: String {
        t(
            "Это ваш собственный аккаунт гостя: продажу или подарок себе проводит коллега.",
            "This is your own guest account: a colleague makes sales and gifts for you.")
    }
    func giftLimitReached(_ perShift: Int) -> String {
        t(
            "На эту смену подарки исчерпаны (\(perShift)). Выдать ещё может менеджер.",
            "You have given this shift's gifts (\(perShift)). A manager can give more.")
    }
    func broadcastLimitReached(_ perDay: Int) -> String {
        t(
            "Рассылка не отправлена: за сутки можно не больше \(perDay) (настройка кофейни).",
            "The broadcast was not sent: at most \(perDay) a day (a café setting).")
    }
    var pickAudience: String { t("Кому отправить рассылку?", "Who should get the broadcast?") }
    var audienceEveryone: String { t("Всем", "Everyone") }
    var audienceByTier: String { t("По уровню", "By tier") }
    func audienceActive(days: Int) -> String { t("Заходили за \(RussianPlural.days(days))", "Active in \(days) days") }
    var audienceBirthdays: String { t("Именинники месяца", "Birthdays this month") }
    var askBroadcastText: String { t("Введите текст рассылки.", "Type the broadcast text.") }
    func confirmBroadcast(size: Int) -> String {
        t(
            "Получателей: \(size) (без отписавшихся и недоступных). Отправить?",
            "\(size) guests will get it (opted-out and unreachable guests excluded). Send?")
    }
    var sendButton: String { t("📣 Отправить", "📣 Send") }
    var broadcastCancelled: String { t("Рассылка отменена.", "Broadcast cancelled.") }
    func broadcastProgress(_ progress: BroadcastProgress) -> String {
        if progress.isDone {
            return t(
                "✅ Рассылка №\(progress.broadcastID) завершена: доставлено \(progress.sent) из \(progress.recipients), не доставлено \(progress.failed).",
                "✅ Broadcast #\(progress.broadcastID) finished: \(progress.sent) of \(progress.recipients) delivered, \(progress.failed) not delivered."
            )
        }
        return t(
            "📣 Рассылка №\(progress.broadcastID): доставлено \(progress.sent) из \(progress.recipients), не доставлено \(progress.failed), в очереди \(progress.pending).",
            "📣 Broadcast #\(progress.broadcastID): \(progress.sent) of \(progress.recipients) delivered, \(progress.failed) not delivered, \(progress.pending) queued."
        )
    }

    var stale: String { t("Эта кнопка устарела.", "This button is out of date.") }
    var unknown: String {
        t(
            "Не понял. Введите код гостя или выберите действие в меню.",
            "I did not understand. Type a guest's code or choose an action in the menu.")
    }
    var apology: String { t("Что-то пошло не так. Попробуйте ещё раз.", "Something went wrong. Please try again.") }

    func error(_ error: LoyaltyError) -> String {
        switch error {
        case .codeNotFound:
            return t(
                "Код не найден. Попросите гостя открыть «Код оплаты» ещё раз.",
                "Code not found. Ask the guest to open “Payment code” again.")
        case .codeExpired:
            return t("Код устарел. Попросите гостя нажать «🔄 Новый код».", "The code has expired. Ask the guest to tap «🔄 New code».")
        case .codeAlreadyUsed: return t("Код уже использован.", "The code has already been used.")
        case .codeInUse:
            return t(
                "Этот код сейчас открыт на другой кассе. Если там продажу не проводят, попросите гостя нажать «🔄 Новый код».",
                "This code is open at another till. If no sale is made there, ask the guest to tap «🔄 New code».")
        case .customerNotFound: return t("Гость не найден.", "Guest not found.")
        case .customerBlocked: return t("Аккаунт гостя приостановлен.", "The guest's account is suspended.")
        case .invalidAmount: return amountNotPositive
        case .amountTooLarge(let maximum): return amountTooLarge(maximum)
        case .invalidPoints: return pointsUnreadable
        case .insufficientPoints(let balance):
            return t("Недостаточно баллов: на балансе \(RussianPlural.points(balance)).", "Not enough points: the balance is \(balance).")
        case .redeemAboveCap(let maximum):
            return t("Можно списать не больше \(RussianPlural.pointsGenitive(maximum)).", "At most \(maximum) points can be redeemed.")
        case .orderNotFound: return t("Заказ не найден.", "Order not found.")
        case .alreadyCancelled: return t("Этот заказ уже отменён.", "This order is already cancelled.")
        case .importedOrder:
            return t(
                "Этот заказ перенесён из прежней системы, его нельзя отменить.",
                "This order came from the previous system and cannot be cancelled.")
        case .refundAboveOrder(let refundable):
            return refundable.kopecks > 0
                ? t("Вернуть можно не больше \(refundable).", "At most \(refundable) can be refunded.")
                : t("По этому заказу уже всё возвращено.", "This order has been refunded in full.")
        case .refundNeedsManager: return t("Возврат оформляет менеджер.", "A manager makes refunds.")
        case .cancelWindowPassed:
            return t("Время на отмену прошло. Обратитесь к менеджеру.", "The time to cancel has passed. Ask a manager.")
        case .notYourSale:
            return t(
                "Бариста может отменить только свою продажу. Обратитесь к менеджеру.",
                "A barista can cancel only their own sale. Ask a manager.")
        case .notYourLocation:
            return t(
                "Это продажа другой кофейни: отменить её может её менеджер.",
                "This sale belongs to another location: its manager can cancel it.")
        case .giftNotFound: return t("Подарок не найден.", "Gift not found.")
        case .giftAlreadyRedeemed: return t("Подарок уже списан.", "The gift has already been redeemed.")
        case .giftExpired: return t("Срок подарка истёк.", "The gift has expired.")
        case .idempotencyKeyReused: return stale
        case .alreadyRegistered, .phoneTaken, .invalidPhone, .birthDateAlreadyChanged, .invalidBirthDate: return apology
        }
    }

    func tierName(_ tier: Tier) -> String {
        switch tier {
        case .standard: return t("Стандарт", "Standard")
        case .silver: return t("Серебро", "Silver")
        case .gold: return t("Золото", "Gold")
        case .platinum: return t("Платина", "Platinum")
        }
    }
}

/// What the barista sees of a guest: never the phone or the birthday.
struct GuestCardView: Sendable {
    var name: String
    var tier: Tier
    var balance: Int
    var debt: Int
    var gifts: [(id: Int64, name: String, until: String)]
}
