import Domain
import Foundation
import Store

struct RussianClientTexts: ClientTexts {
    let language = Language.ru

    let profileButton = "👤 Профиль"
    let codeButton = "🔢 Код оплаты"
    let historyButton = "🧾 История"
    let reviewButton = "⭐ Отзыв"
    let ideaButton = "💡 Идея"
    let messageButton = "✉️ Написать нам"
    let settingsButton = "⚙️ Настройки"
    let sharePhoneButton = "📱 Поделиться номером"
    let skipButton = "Пропустить"
    let cancelButton = "Отмена"
    let cardAppButton = "📱 QR-код и карта"
    let newCodeButton = "🔄 Новый код"

    func welcomeNew(name: String) -> String {
        "Здравствуйте, \(name)! Это программа лояльности нашей кофейни: баллы за покупки, уровни и подарки.\n\nЧтобы зарегистрироваться, нажмите «\(sharePhoneButton)» внизу."
    }
    func welcomeBack(name: String) -> String { "С возвращением, \(name)! Выберите действие в меню." }
    let onlyOwnContact =
        "Можно зарегистрироваться только со своим номером. Нажмите «📱 Поделиться номером» внизу — Telegram отправит ваш номер."
    let contactWithoutUser =
        "Этот контакт не привязан к аккаунту Telegram. Нажмите «📱 Поделиться номером» внизу, чтобы отправить свой номер."
    let invalidPhone = "Не получилось прочитать номер телефона. Попробуйте ещё раз кнопкой «📱 Поделиться номером»."
    let phoneTaken = "Этот номер уже зарегистрирован на другой аккаунт Telegram. Если это ваш номер, обратитесь к сотрудникам кофейни."
    let alreadyRegistered = "Вы уже зарегистрированы."
    func registered(name: String) -> String { "Готово, \(name), вы в программе! Уровень: Стандарт, баланс: 0 баллов." }
    let askBirthday = "Укажите дату рождения в формате ДД.ММ.ГГГГ — в день рождения вас ждёт подарок. Или нажмите «Пропустить»."
    let invalidBirthday = "Не похоже на дату рождения. Напишите её в формате ДД.ММ.ГГГГ, например 14.03.1995, или нажмите «Пропустить»."
    func birthdaySaved(_ date: String) -> String { "Дата рождения сохранена: \(date)." }
    let birthdaySkipped = "Хорошо, дату рождения можно указать позже в настройках."
    let needsRegistration = "Сначала зарегистрируйтесь: нажмите «📱 Поделиться номером» внизу."
    let accountBlocked = "Ваш аккаунт в программе лояльности приостановлен. Пожалуйста, обратитесь к сотрудникам кофейни."

    func profile(_ view: ProfileView) -> String {
        (["👤 \(view.name)", "Уровень: \(tierName(view.tier))", "Баланс: \(view.balance) \(points(view.balance))"] + profileDetails(view))
            .joined(separator: "\n")
    }

    func invite(_ invite: Invite, link: String?) -> String {
        let reward = invite.reward
        let minimum = reward.minimumKopecks > 0 ? " от \(Money(kopecks: reward.minimumKopecks))" : ""
        let terms: String
        switch (reward.referrerPoints, reward.friendPoints) {
        case (0, let friend): terms = "друг получит \(RussianPlural.points(friend))"
        case (let referrer, 0): terms = "вы получите \(RussianPlural.points(referrer))"
        case (let referrer, let friend): terms = "вы получите \(RussianPlural.points(referrer)), а друг — \(RussianPlural.points(friend))"
        }
        let share =
            link.map { "Ваша ссылка-приглашение:\n\($0)" }
            ?? "Пусть друг откроет этого бота и отправит сообщение:\n/start \(invite.startParameter)"
        return "🤝 Акция «\(invite.campaign)»\n\(share)\n\n"
            + "Когда друг зарегистрируется по приглашению и сделает первую покупку\(minimum), \(terms). "
            + "Засчитывается до \(reward.monthlyCap) \(RussianPlural(one: "друга", few: "друзей", many: "друзей").form(reward.monthlyCap)) в месяц."
    }

    func inviteHint(_ invite: Invite) -> String {
        "🤝 Приглашайте друзей по акции «\(invite.campaign)»: /invite"
    }

    let shareInviteButton = "📤 Отправить другу"

    func inviteShareText(_ invite: Invite) -> String {
        guard invite.reward.friendPoints > 0 else { return "Заходи в нашу кофейню — вот приглашение:" }
        let minimum = invite.reward.minimumKopecks > 0 ? " от \(Money(kopecks: invite.reward.minimumKopecks))" : ""
        return "Заходи в нашу кофейню: по этому приглашению после первой покупки\(minimum) получишь "
            + "\(RussianPlural.points(invite.reward.friendPoints))."
    }

    let noInviteCampaign = "Сейчас акции «Приведи друга» нет — загляните позже."
    let invitesAreForNewGuests = "Вы уже с нами — приглашения действуют только для новых гостей."

    func invitedBy(_ offer: ReferralOffer) -> String {
        let minimum = offer.reward.minimumKopecks > 0 ? " от \(Money(kopecks: offer.reward.minimumKopecks))" : ""
        guard offer.reward.friendPoints > 0 else { return "🤝 Вас пригласил(а) \(offer.referrerName) — спасибо, что пришли!" }
        return "🤝 Вас пригласил(а) \(offer.referrerName). После первой покупки\(minimum) вам начислим "
            + "\(RussianPlural.points(offer.reward.friendPoints)) по акции «\(offer.campaign)»."
    }

    func profileDetails(_ view: ProfileView) -> [String] {
        var lines: [String] = []
        if view.debt > 0 { lines.append("Долг: \(RussianPlural.points(view.debt)) — спишем из следующих начислений.") }
        if let expiring = view.expiring {
            let verb = RussianPlural(one: "сгорит", few: "сгорят", many: "сгорят").form(expiring.points)
            lines.append("⏳ \(RussianPlural.points(expiring.points)) \(verb) \(expiring.day)")
        }
        if let next = view.toNextTier {
            lines.append("До уровня «\(tierName(next.tier))» осталось \(next.spend) покупок.")
        } else {
            lines.append("У вас наивысший уровень 🎉")
        }
        if let visits = view.visits {
            lines.append("☕ Визиты по акции «\(visits.campaign)»: \(visits.progress.stamps) из \(visits.progress.of)")
        }
        if view.gifts.isEmpty {
            lines.append("Подарков пока нет.")
        } else {
            lines.append("Подарки:")
            lines += view.gifts.map { "🎁 \($0.name) — до \($0.until)" }
        }
        return lines
    }

    func code(_ code: PaymentCode, validFor seconds: Int, until time: String) -> String {
        "Ваш код оплаты: \(code)\nПокажите его бариста — код действует \(seconds) \(RussianPlural.secondsAccusative.form(seconds)) (до \(time.prefix(5)))."
    }

    func history(_ lines: [String]) -> String {
        lines.isEmpty ? "Операций пока нет." : "Последние операции:\n" + lines.joined(separator: "\n")
    }

    func historyLine(_ entry: ActivityEntry, date: String) -> String {
        switch entry.kind {
        case .order(let id, let amount, _, let earned, let redeemed):
            var line = "\(date) · заказ №\(id) на \(amount)"
            if earned > 0 { line += " · +\(earned) \(points(earned))" }
            if redeemed > 0 { line += " · −\(redeemed) \(points(redeemed))" }
            return line
        case .points(let kind, let points, let debt, let orderID):
            let what: String
            switch kind {
            case "earn_reversal", "redeem_reversal", "debt": what = "отмена заказа №\(orderID ?? 0)"
            case "refund_earn_reversal", "refund_redeem_reversal", "refund_debt": what = "возврат по заказу №\(orderID ?? 0)"
            case "manual_credit", "manual_debit": what = "корректировка"
            case "birthday_credit": what = "подарок ко дню рождения"
            case "campaign_credit": what = "акция"
            case "expiry": what = "сгорание баллов"
            default: what = "баллы"
            }
            var line = "\(date) · \(what)"
            if points != 0 { line += " · \(points > 0 ? "+" : "−")\(abs(points)) \(self.points(abs(points)))" }
            if debt > 0 { line += " · долг +\(RussianPlural.points(debt))" }
            return line
        case .giftIssued(let name): return "\(date) · подарок: \(name)"
        case .giftRedeemed(let name): return "\(date) · использован подарок: \(name)"
        }
    }

    let reviewPickOrder = "Какой визит хотите оценить?"
    func reviewNoOrders(days: Int) -> String {
        "Оценить можно покупку за последние \(RussianPlural.days(days)) — пока таких нет. Будем рады вашему отзыву после следующего визита!"
    }
    func reviewOrderButton(order: Int64, amount: Money, date: String) -> String { "№\(order) · \(date) · \(amount)" }
    func rateOrder(_ order: Int64) -> String { "Оцените визит (заказ №\(order)) от 1 до 10:" }
    func ratingSaved(_ rating: Int) -> String {
        "Спасибо за оценку \(rating)/10! Хотите добавить комментарий? Напишите его одним сообщением или нажмите «Пропустить»."
    }
    let commentSaved = "Спасибо, комментарий передан команде кофейни."
    let commentSkipped = "Спасибо за отзыв!"
    let alreadyReviewed = "Этот визит вы уже оценили. Спасибо!"
    let askIdea = "Поделитесь идеей — что нам улучшить или добавить? Напишите одним сообщением."
    let ideaSaved = "Спасибо за идею! Мы её обязательно прочитаем."
    let askMessage = "Напишите, что хотите передать руководству кофейни, — ответ придёт сюда."
    let messageSaved = "Сообщение отправлено руководству. Ответ придёт сюда."
    let messageLimitReached =
        "Сегодня вы уже написали руководству несколько раз — мы всё получили. Новое сообщение можно будет отправить завтра."
    let inputCancelled = "Отменено."

    func settings(promoOptIn: Bool, birthDate: String?, mayChangeBirthDate: Bool) -> String {
        var lines = ["⚙️ Настройки", "Язык: русский", "Акции и новости: \(promoOptIn ? "включены" : "выключены")"]
        if let birthDate {
            lines.append("Дата рождения: \(birthDate)" + (mayChangeBirthDate ? " (можно изменить один раз)" : ""))
        } else {
            lines.append("Дата рождения: не указана")
        }
        return lines.joined(separator: "\n")
    }
    let languageButton = "🇬🇧 English"
    func promoButton(optedIn: Bool) -> String { optedIn ? "🔕 Не присылать акции" : "🔔 Присылать акции" }
    func birthdayButton(isSet: Bool) -> String { isSet ? "🎂 Изменить дату рождения" : "🎂 Указать дату рождения" }
    let languageChanged = "Готово, язык — русский."
    func promoChanged(optedIn: Bool) -> String {
        optedIn ? "Будем присылать акции и новости." : "Больше не будем присылать акции. Чеки и подарки по-прежнему придут."
    }
    let birthdayAlreadyChanged = "Дату рождения можно изменить только один раз — вы это уже сделали. Если нужна помощь, напишите нам."

    let staleButton = "Эта кнопка устарела. Откройте меню заново."
    let unsupportedContent = "Я понимаю только текст и кнопки меню. Выберите действие внизу."
    let privateChatsOnly = "Я работаю только в личных сообщениях — напишите мне напрямую."
    let unknownText = "Не понял вас. Выберите действие в меню внизу."
    let apology = "Что-то пошло не так. Попробуйте ещё раз через минуту."

    func tierName(_ tier: Tier) -> String {
        switch tier {
        case .standard: return "Стандарт"
        case .silver: return "Серебро"
        case .gold: return "Золото"
        case .platinum: return "Платина"
        }
    }

    func points(_ count: Int) -> String {
        RussianPlural.points.form(count)
    }
}
