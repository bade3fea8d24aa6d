import Store

/// How the settings page names each setting, its unit, its group, what it accepts and what is
/// wrong with a value, in the admin's language. The English words are the settings' own.
struct SettingWords {
    let texts: AdminTexts

    static let russian: [String: (label: String, unit: String)] = [
        "tier_silver_from_kopecks": ("«Серебро» с", "₽ покупок"),
        "tier_gold_from_kopecks": ("«Золото» с", "₽ покупок"),
        "tier_platinum_from_kopecks": ("«Платина» с", "₽ покупок"),
        "earn_rate_standard_percent": ("Начисление на уровне «Стандарт»", "%"),
        "earn_rate_silver_percent": ("Начисление на уровне «Серебро»", "%"),
        "earn_rate_gold_percent": ("Начисление на уровне «Золото»", "%"),
        "earn_rate_platinum_percent": ("Начисление на уровне «Платина»", "%"),
        "redeem_cap_percent": ("Баллами можно оплатить до", "% чека"),
        "maximum_sale_kopecks": ("Самая крупная продажа", "₽"),
        "points_validity_months": ("Баллы сгорают через (0 — никогда)", "месяцев"),
        "expiry_reminder_days": ("Предупреждать гостя о сгорании баллов за", "дней"),
        "payment_code_ttl_seconds": ("Код оплаты действует", "секунд"),
        "code_hold_minutes": ("Открытый кассиром код остаётся за ним", "минут"),
        "cancel_window_minutes": ("Бариста может отменить свою продажу в течение", "минут"),
        "wrong_code_limit_per_minute": ("Неверных кодов до паузы для бариста", "в минуту"),
        "barista_gifts_per_shift": ("Подарков, которые бариста может выдать", "в день"),
        "birthday_gift": ("Подарок на день рождения", ""),
        "birthday_gift_valid_days": ("Подарок на день рождения действует", "дней"),
        "review_window_days": ("Гость может оценить визиты за последние", "дней"),
        "review_alert_threshold": ("Сообщать менеджерам об оценках не выше", "из 10"),
        "broadcast_messages_per_second": ("Сообщений в секунду на бота", "в секунду"),
        "broadcasts_per_day": ("Рассылок от одного менеджера или администратора", "в день"),
        "guest_messages_per_day": ("Сообщений руководству от одного гостя", "в день"),
        "outbox_retention_days": ("Отправленные сообщения хранятся", "дней"),
        "time_zone": ("Часовой пояс кофейни", ""),
        "api_requests_per_minute": ("Запросов на ключ", "в минуту"),
        "api_registrations_per_minute": ("Регистраций на ключ", "в минуту"),
        "api_profile_reads_per_minute": ("Чтений профиля на ключ", "в минуту"),
        "idempotency_key_hours": ("Ключи идемпотентности хранятся", "часов"),
        "admin_session_idle_minutes": ("Выход при бездействии через", "минут"),
        "admin_session_absolute_hours": ("Выход в любом случае через", "часов"),
        "admin_login_attempts_per_15_minutes": ("Неверных паролей на аккаунт", "за 15 минут"),
        "backup_retention_days": ("Резервные копии хранятся", "дней"),
    ]

    static let russianGroups: [EditableSetting.Group: String] = [
        .rules: "Правила программы", .till: "На кассе", .guests: "Гости, подарки и отзывы", .messages: "Сообщения",
        .partnerAPI: "API для партнёров", .adminSecurity: "Безопасность панели", .operations: "Эксплуатация",
    ]

    func label(_ setting: EditableSetting) -> String {
        texts(ru: Self.russian[setting.key]?.label ?? setting.label, en: setting.label)
    }

    func unit(_ setting: EditableSetting) -> String {
        texts(ru: Self.russian[setting.key]?.unit ?? setting.unit, en: setting.unit)
    }

    func group(_ group: EditableSetting.Group) -> String {
        texts(ru: Self.russianGroups[group] ?? group.rawValue, en: group.rawValue)
    }

    func allowed(_ setting: EditableSetting) -> String {
        switch setting.kind {
        case .integer(let range), .roubles(let range):
            let unit = unit(setting)
            return "\(range.lowerBound)–\(range.upperBound)\(unit.isEmpty ? "" : " \(unit)")"
        case .timeZone: return texts(ru: "часовой пояс IANA, например Europe/Moscow", en: "an IANA time zone, e.g. Europe/Moscow")
        case .giftItem: return texts(ru: "подарок из каталога, который сейчас включён", en: "an active item of the gift catalogue")
        }
    }

    func problem(_ problem: SettingsValidationError.Problem, for key: String) -> String {
        switch problem {
        case .outOfRange(let range, _):
            let unit = EditableSetting.all.first { $0.key == key }.map(unit) ?? ""
            let suffix = unit.isEmpty ? "" : " (\(unit))"
            return texts(
                ru: "Введите целое число от \(range.lowerBound) до \(range.upperBound)\(suffix).",
                en: "Enter a whole number from \(range.lowerBound) to \(range.upperBound)\(suffix).")
        case .timeZone: return texts(ru: "Введите часовой пояс, например Europe/Moscow.", en: "Enter a time zone such as Europe/Moscow.")
        case .giftItem: return texts(ru: "Выберите включённый подарок из каталога.", en: "Choose an active gift from the catalogue.")
        case .mustStartAbove(let lower):
            let lowerName = EditableSetting.all.first { $0.key == lower }.map(label) ?? lower
            return texts(ru: "Порог должен быть выше, чем «\(lowerName)».", en: Self.englishOrder[lower] ?? "Must start above \(lower).")
        }
    }

    static let englishOrder = [
        "tier_silver_from_kopecks": "Gold must start above Silver.", "tier_gold_from_kopecks": "Platinum must start above Gold.",
    ]
}
