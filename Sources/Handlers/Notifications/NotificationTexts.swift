import Domain
import Store

/// The guest-facing texts of the engine's notifications, one catalogue per language.
struct NotificationTexts: Sendable {
    let language: Language

    func tierName(_ tier: Tier) -> String {
        switch (language, tier) {
        case (.ru, .standard): return "Стандарт"
        case (.ru, .silver): return "Серебро"
        case (.ru, .gold): return "Золото"
        case (.ru, .platinum): return "Платина"
        case (.en, .standard): return "Standard"
        case (.en, .silver): return "Silver"
        case (.en, .gold): return "Gold"
        case (.en, .platinum): return "Platinum"
        }
    }

    func receipt(
        order: Int64, amount: Money, paid: Money, redeemed: Int, credited: Int, debtRepaid: Int,
        balance: Int, debt: Int, newTier: Tier?, gifts: Int, campaigns: [CampaignEffect] = [], visits: Notice.VisitStamp? = nil
    ) -> String {
        var lines: [String]
        switch language {
        case .ru:
            lines = ["Спасибо за покупку! Заказ №\(order)", "Сумма: \(amount)", "Оплачено: \(paid)"]
            if redeemed > 0 { lines.append("Списано баллов: \(redeemed)") }
            if credited > 0 {
                lines.append("Начислено баллов: \(credited)")
                lines += campaigns.map { "в т.ч. по акции «\($0.name)»: +\($0.points)" }
            }
            if debtRepaid > 0 { lines.append("В счёт долга по баллам: \(debtRepaid)") }
            if gifts > 0 { lines.append("Использовано подарков: \(gifts)") }
            lines.append("Баланс: \(RussianPlural.points(balance))")
            if debt > 0 { lines.append("Долг: \(RussianPlural.points(debt)) — спишем из следующих начислений.") }
            if let newTier { lines.append("🎉 Ваш новый уровень: \(tierName(newTier))!") }
            if let visits { lines.append(visitCard(visits.campaign, visits.progress)) }
        case .en:
            lines = ["Thank you for your purchase! Order #\(order)", "Amount: \(amount)", "Paid: \(paid)"]
            if redeemed > 0 { lines.append("Points redeemed: \(redeemed)") }
            if credited > 0 {
                lines.append("Points earned: \(credited)")
                lines += campaigns.map { "including \($0.name): +\($0.points)" }
            }
            if debtRepaid > 0 { lines.append("Points debt repaid: \(debtRepaid)") }
            if gifts > 0 { lines.append("Gifts used: \(gifts)") }
            lines.append("Balance: \(balance) points")
            if debt > 0 { lines.append("Points debt: \(debt)") }
            if let newTier { lines.append("🎉 Your new tier: \(tierName(newTier))!") }
            if let visits { lines.append(visitCard(visits.campaign, visits.progress)) }
        }
        return lines.joined(separator: "\n")
    }

    /// "Визиты по акции «Шестой кофе»: 4 из 6", with the gift when the card is full.
    func visitCard(_ campaign: String, _ progress: VisitProgress) -> String {
        switch language {
        case .ru:
            return "Визиты по акции «\(campaign)»: \(progress.stamps) из \(progress.of)" + (progress.completed ? " — подарок ваш! 🎁" : "")
        case .en:
            return "Visits, \(campaign): \(progress.stamps) of \(progress.of)" + (progress.completed ? " — the gift is yours! 🎁" : "")
        }
    }

    func saleCancelled(order: Int64, balance: Int, debt: Int, tier: Tier) -> String {
        switch language {
        case .ru:
            return "Заказ №\(order) отменён, баллы пересчитаны.\nБаланс: \(RussianPlural.points(balance))"
                + (debt > 0 ? "\nДолг: \(RussianPlural.points(debt)) — спишем из следующих начислений." : "")
                + "\nУровень: \(tierName(tier))"
        case .en:
            return "Order #\(order) was cancelled.\nBalance: \(balance) points" + (debt > 0 ? "\nPoints debt: \(debt)" : "")
                + "\nTier: \(tierName(tier))"
        }
    }

    func saleRefunded(order: Int64, amount: Money, restored: Int, takenBack: Int, balance: Int, debt: Int, tier: Tier) -> String {
        var lines: [String]
        switch language {
        case .ru:
            lines = ["Возврат по заказу №\(order): \(amount)."]
            if restored > 0 { lines.append("Вернули баллов: \(restored)") }
            if takenBack > 0 { lines.append("Списали начисленных баллов: \(takenBack)") }
            lines.append("Баланс: \(RussianPlural.points(balance))")
            if debt > 0 { lines.append("Долг: \(RussianPlural.points(debt)) — спишем из следующих начислений.") }
            lines.append("Уровень: \(tierName(tier))")
        case .en:
            lines = ["Refund on order #\(order): \(amount)."]
            if restored > 0 { lines.append("Points returned: \(restored)") }
            if takenBack > 0 { lines.append("Earned points taken back: \(takenBack)") }
            lines.append("Balance: \(balance) points")
            if debt > 0 { lines.append("Points debt: \(debt)") }
            lines.append("Tier: \(tierName(tier))")
        }
        return lines.joined(separator: "\n")
    }

    func pointsExpiring(_ points: Int, on day: CalendarDate) -> String {
        switch language {
        case .ru:
            let verb = RussianPlural(one: "сгорит", few: "сгорят", many: "сгорят").form(points)
            return "⏳ \(RussianPlural.points(points)) \(verb) \(CafeTime.dotted(day)). "
                + "Успейте потратить их раньше — ждём вас!"
        case .en:
            return "⏳ \(points) \(points == 1 ? "point expires" : "points expire") on \(CafeTime.dotted(day)). "
                + "Use your points before then — see you soon!"
        }
    }

    func pointsExpired(_ points: Int, on day: CalendarDate, balance: Int) -> String {
        switch language {
        case .ru:
            let verb = RussianPlural(one: "сгорел", few: "сгорели", many: "сгорели").form(points)
            return "\(RussianPlural.points(points)) \(verb) \(CafeTime.dotted(day)): закончился срок их действия.\n"
                + "Баланс: \(RussianPlural.points(balance))"
        case .en:
            return "\(points) \(points == 1 ? "point" : "points") expired on \(CafeTime.dotted(day)).\nBalance: \(balance) points"
        }
    }

    func giftIssued(name: String, until date: String) -> String {
        switch language {
        case .ru: return "🎁 Вам подарок: \(name)! Действует до \(date)."
        case .en: return "🎁 A gift for you: \(name)! Valid until \(date)."
        }
    }

    func welcomeBonus(points: Int, campaign: String, balance: Int) -> String {
        switch language {
        case .ru:
            return
                "🎉 Добро пожаловать! По акции «\(campaign)» вам начислено \(RussianPlural.points(points)).\nБаланс: \(RussianPlural.points(balance))"
        case .en: return "🎉 Welcome! \(campaign): \(points) points are yours.\nBalance: \(balance) points"
        }
    }

    func referralReward(_ credit: Notice.ReferralCredit) -> String {
        switch (language, credit.friend) {
        case (.ru, nil):
            return "🤝 Спасибо за первую покупку по приглашению! По акции «\(credit.campaign)» вам \(Self.credited(credit.points)) "
                + "\(RussianPlural.points(credit.points)).\nБаланс: \(RussianPlural.points(credit.balance))"
        case (.ru, let friend?):
            return
                "🤝 \(friend) сделал(а) первую покупку по вашему приглашению. По акции «\(credit.campaign)» вам \(Self.credited(credit.points)) "
                + "\(RussianPlural.points(credit.points)).\nБаланс: \(RussianPlural.points(credit.balance))"
        case (.en, nil):
            return "🤝 Thank you for your first purchase by invitation! \(credit.campaign): \(credit.points) points are yours.\n"
                + "Balance: \(credit.balance) points"
        case (.en, let friend?):
            return "🤝 \(friend) made a first purchase by your invitation. \(credit.campaign): \(credit.points) points are yours.\n"
                + "Balance: \(credit.balance) points"
        }
    }

    private static func credited(_ points: Int) -> String {
        RussianPlural(one: "начислен", few: "начислено", many: "начислено").form(points)
    }
    private static func debited(_ points: Int) -> String { RussianPlural(one: "списан", few: "списано", many: "списано").form(points) }

    func referralReversed(_ reversal: Notice.ReferralReversal) -> String {
        switch language {
        case .ru:
            let whose = reversal.friend.map { "Покупка, которую сделал(а) \($0) по вашему приглашению," } ?? "Ваша покупка по приглашению"
            let debt = reversal.debt > 0 ? "\nДолг: \(RussianPlural.points(reversal.debt))" : ""
            return
                "\(whose) отменена: \(RussianPlural.points(reversal.points)) по акции «\(reversal.campaign)» \(Self.debited(reversal.points)).\n"
                + "Баланс: \(RussianPlural.points(reversal.balance))" + debt
        case .en:
            let whose = reversal.friend.map { "The purchase \($0) made by your invitation" } ?? "Your purchase by invitation"
            let debt = reversal.debt > 0 ? "\nPoints owed: \(reversal.debt)" : ""
            return "\(whose) was cancelled: \(reversal.points) points of \(reversal.campaign) taken back.\n"
                + "Balance: \(reversal.balance) points" + debt
        }
    }

    func birthdayGift(name: String, until date: String) -> String {
        switch language {
        case .ru: return "С днём рождения! 🎂 Ваш подарок: \(name). Действует до \(date)."
        case .en: return "Happy birthday! 🎂 Your gift: \(name). Valid until \(date)."
        }
    }

    var rateVisitButton: String {
        switch language {
        case .ru: return "⭐ Оценить визит"
        case .en: return "⭐ Rate your visit"
        }
    }

    // Alerts to managers in the staff bot.

    func reviewAlert(guest: String, rating: Int, order: Int64) -> String {
        switch language {
        case .ru: return "⚠️ Низкая оценка \(rating)/10 — гость: \(guest), заказ №\(order)."
        case .en: return "⚠️ Low rating: \(rating)/10 from \(guest), order #\(order)."
        }
    }

    func reviewComment(guest: String, rating: Int, comment: String) -> String {
        switch language {
        case .ru: return "💬 Комментарий к оценке \(rating)/10 (гость: \(guest)):\n\(comment)"
        case .en: return "💬 Comment on a \(rating)/10 rating from \(guest):\n\(comment)"
        }
    }

    func guestMessage(guest: String, message: String) -> String {
        switch language {
        case .ru: return "✉️ Сообщение руководству. Гость: \(guest)\n\(message)"
        case .en: return "✉️ Message to management from \(guest):\n\(message)"
        }
    }

    func broadcastFailed(broadcast: Int64, failed: Int, recipients: Int) -> String {
        switch language {
        case .ru:
            return
                "⚠️ Рассылка №\(broadcast) не дошла до \(failed) из \(RussianPlural.guestsGenitive(recipients)) (заблокировали бота или ошибка доставки)."
        case .en: return "⚠️ Broadcast #\(broadcast) did not reach \(failed) of \(recipients) guests (blocked the bot or delivery failed)."
        }
    }

    func webhookDisabled(url: String, error: String) -> String {
        switch language {
        case .ru:
            return
                "⚠️ Вебхук \(url) не принимал события сутки и отключён (\(error)). Включите его в админке, когда партнёр починит приём: накопившиеся события уйдут по порядку."
        case .en:
            return
                "⚠️ The webhook \(url) refused events for a day and was switched off (\(error)). Switch it on in the admin panel once the partner has fixed it: the waiting events go out in order."
        }
    }
}
