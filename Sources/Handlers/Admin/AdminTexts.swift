import Domain
import Mustache
import Store

/// The panel's words in the admin's language. Templates and handlers write them in English; the
/// Russian for each is in `AdminTexts.russian` (`AdminTexts+Russian.swift`), and a test checks
/// that every English text the panel uses has one.
struct AdminTexts: Sendable {
    let language: Language

    /// A template's text in the panel's language; a text without a translation stays as it is
    /// written.
    func callAsFunction(_ english: String) -> String {
        guard language == .ru else { return english }
        return Self.russian[english] ?? english
    }

    /// `{{#t}}English text{{/t}}` in a template. The text may hold `{{tags}}`: the translation
    /// keeps them and they are rendered (and escaped) as usual.
    var lambda: MustacheLambda {
        MustacheLambda { english in self(english) }
    }

    /// A text the code writes in both languages, usually because it holds values.
    func callAsFunction(ru: String, en: String) -> String {
        language == .ru ? ru : en
    }

    /// A role's name.
    func role(_ role: String) -> String {
        switch role {
        case "owner": return self(ru: "владелец", en: "owner")
        case "admin": return self(ru: "администратор", en: "admin")
        case "viewer": return self(ru: "наблюдатель", en: "viewer")
        case "barista": return self(ru: "бариста", en: "barista")
        case "manager": return self(ru: "менеджер", en: "manager")
        default: return role
        }
    }

    /// A points ledger entry's kind.
    func ledgerKind(_ kind: String) -> String {
        let names: [String: (String, String)] = [
            "earn": ("начисление", "earned"), "redeem": ("списание", "redeemed"),
            "earn_reversal": ("отмена начисления", "earning reversed"), "redeem_reversal": ("возврат списания", "redemption returned"),
            "debt": ("долг", "debt"), "debt_repayment": ("погашение долга", "debt repaid"),
            "manual_credit": ("начислено вручную", "manual credit"), "manual_debit": ("списано вручную", "manual debit"),
            "birthday_credit": ("ко дню рождения", "birthday credit"), "campaign_credit": ("по акции", "campaign credit"),
            "expiry": ("сгорание", "expired"),
        ]
        guard let (ru, en) = names[kind] else { return kind }
        return self(ru: ru, en: en)
    }

    func giftState(_ state: String) -> String {
        switch state {
        case "redeemed": return self(ru: "использован", en: "redeemed")
        case "expired": return self(ru: "истёк", en: "expired")
        default: return self(ru: "действует", en: "active")
        }
    }

    func feedbackKind(_ kind: String) -> String {
        switch kind {
        case "review": return self(ru: "оценка", en: "review")
        case "idea": return self(ru: "идея", en: "idea")
        case "message": return self(ru: "сообщение", en: "message")
        default: return kind
        }
    }

    func feedbackStatus(_ status: String) -> String {
        switch status {
        case "new": return self(ru: "новое", en: "new")
        case "in_progress": return self(ru: "в работе", en: "in progress")
        case "done": return self(ru: "решено", en: "done")
        default: return status
        }
    }

    func tier(_ tier: Tier) -> String {
        switch tier {
        case .standard: return self(ru: "Стандарт", en: "Standard")
        case .silver: return self(ru: "Серебро", en: "Silver")
        case .gold: return self(ru: "Золото", en: "Gold")
        case .platinum: return self(ru: "Платина", en: "Platinum")
        }
    }

    /// ISO weekday 1 (Monday) … 7 (Sunday), short.
    func weekday(_ day: Int) -> String {
        let russian = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
        let english = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        guard (1...7).contains(day) else { return "?" }
        return self(ru: russian[day - 1], en: english[day - 1])
    }

    /// The campaign's status as the owner reads it: a running campaign whose dates are ahead is
    /// scheduled, one whose dates are behind is over.
    func campaignStatus(_ status: CampaignRecord.Status, dates: CampaignDates? = nil, today: CalendarDate? = nil) -> String {
        if status == .active, let today, let dates {
            if let startsOn = dates.startsOn, today < startsOn {
                return self(ru: "запланирована с \(startsOn)", en: "scheduled from \(startsOn)")
            }
            if let endsOn = dates.endsOn, today > endsOn { return self(ru: "прошла (по \(endsOn))", en: "over (until \(endsOn))") }
        }
        switch status {
        case .active: return self(ru: "идёт", en: "running")
        case .paused: return self(ru: "на паузе", en: "paused")
        case .ended: return self(ru: "завершена", en: "ended")
        }
    }

    func campaignPreview(amount: String, tier: String, points: Int, effects: [CampaignEffect]) -> String {
        let russianEffects = effects.map { ", из них +\($0.points) по акции «\($0.name)»" }.joined()
        let englishEffects = effects.map { ", of which +\($0.points) from \($0.name)" }.joined()
        return self(
            ru: "Продажа на \(amount) гостю уровня «\(tier)» сейчас: +\(RussianPlural.points(points))\(russianEffects).",
            en: "A \(amount) sale by a \(tier) guest now: +\(points) points\(englishEffects).")
    }
}
