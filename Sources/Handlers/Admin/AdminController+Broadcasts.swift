import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addBroadcastRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "broadcasts",
            use: gate.page(.viewer) { request, admin in
                try await broadcastsPage(request, admin)
            })

        // "Preview" counts the audience; "Send" queues one message per guest in one statement.
        admin.post(
            "broadcasts",
            use: gate.page(.admin) { request, admin in
                let format = try await format()
                guard let audience = Self.audience(admin.form, format: format, at: dependencies.clock.now) else {
                    return try await broadcastsPage(
                        request, admin,
                        errors: [
                            "audience": admin.texts(
                                ru: "Выберите получателей (для активных гостей — от 1 до 3650 дней).",
                                en: "Choose who gets it (for active guests, 1–3650 days).")
                        ])
                }
                let text = admin.form.text("text") ?? ""
                guard !text.isEmpty, text.count <= 4000 else {
                    return try await broadcastsPage(
                        request, admin,
                        errors: [
                            "text": admin.texts(
                                ru: "Напишите сообщение (до 4000 символов).", en: "Write the message (up to 4000 characters).")
                        ])
                }
                let broadcasts = dependencies.store.pool.broadcasts
                let now = dependencies.clock.now
                if admin.form["action"] != "send" {
                    let size = try await broadcasts.audienceSize(audience, at: now)
                    return try await broadcastsPage(request, admin, preview: size)
                }
                let perDay = try await dependencies.store.pool.settings().broadcastsPerDay
                let allowance = RateLimiter.Limit(key: "broadcasts:admin:\(admin.session.account.id)", maximum: perDay, window: 86_400)
                if try await dependencies.store.pool.rateLimits.take([allowance], at: now) != nil {
                    return try await broadcastsPage(
                        request, admin,
                        errors: [
                            "text": admin.texts(
                                ru:
                                    "Рассылка не отправлена: за сутки можно не больше \(perDay) (настройка «Рассылок от одного менеджера или администратора»).",
                                en: "Not sent: at most \(perDay) broadcasts a day (the setting «Broadcasts one manager or admin may send»)."
                            )
                        ])
                }
                _ = try await broadcasts.queue(audience, text: text, by: admin.actor, progressChatID: nil, progressMessageID: nil, at: now)
                return AdminGate.redirect(to: "/admin/broadcasts?done=broadcast")
            })
    }

    static func audience(_ form: FormFields, format: AdminFormat, at now: Date) -> BroadcastAudience? {
        switch form["audience"] ?? "" {
        case "everyone": return .everyone
        case "active":
            guard let days = form.text("days").flatMap({ Int($0) }), (1...3650).contains(days) else { return nil }
            return .active(days: days)
        case "birthdays":
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = format.timeZone
            return .birthdaysIn(month: calendar.component(.month, from: now))
        case let value where value.hasPrefix("tier:"):
            return Tier(rawValue: String(value.dropFirst(5))).map { .tier($0) }
        default: return nil
        }
    }

    func broadcastsPage(
        _ request: Request, _ admin: AdminRequest, errors: [String: String] = [:], preview: Int? = nil
    ) async throws -> Response {
        let format = try await format()
        let rows = try await lists.broadcasts(limit: Self.pageSize)
        let chosen = admin.form["audience"] ?? "everyone"
        let texts = admin.texts
        let audiences =
            [("everyone", texts(ru: "Все гости", en: "Everyone"))]
            + Tier.allCases.map { ("tier:\($0.rawValue)", texts(ru: "Уровень: ", en: "Tier: ") + texts.tier($0)) }
            + [
                ("active", texts(ru: "Покупали за последние N дней", en: "Active in the last N days")),
                ("birthdays", texts(ru: "Именинники этого месяца", en: "Birthdays this month")),
            ]
        var values: [String: Any] = [
            "audiences": audiences.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == chosen] },
            "form_text": admin.form["text"] ?? "", "form_days": admin.form["days"] ?? "30",
            "rate": try await dependencies.store.pool.settings().broadcastMessagesPerSecond,
            "broadcasts": rows.map { row in
                [
                    "id": row.id, "audience": row.audience, "body": row.body, "by": row.createdBy, "when": format.dateTime(row.createdAt),
                    "recipients": row.recipients, "sent": row.sent, "failed": row.failed, "pending": row.pending,
                    "done": row.pending == 0,
                ] as [String: Any]
            },
            "empty": rows.isEmpty,
        ]
        if let preview {
            values["preview"] = ["size": String(preview)]
        }
        for (field, message) in errors { values["error_\(field)"] = message }
        values["notice"] = Self.notice(request, admin.texts)
        return views.page(
            "broadcasts", title: "Broadcasts", session: admin.session, section: "broadcasts",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }
}
