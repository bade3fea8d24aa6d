import AsyncHTTPClient
import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addStaffRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "staff",
            use: gate.page(.viewer) { request, admin in
                try await staffPage(request, admin)
            })

        admin.post(
            "staff/invite",
            use: gate.page(.admin) { request, admin in
                guard let role = admin.form["role"].flatMap(Actor.StaffRole.init(rawValue:)) else {
                    return try await staffPage(
                        request, admin, error: admin.texts(ru: "Выберите: бариста или менеджер.", en: "Choose barista or manager."))
                }
                var location = admin.form.text("location") ?? "main"
                if let own = admin.location {
                    location = try await locations.all().first { $0.id == own }?.slug ?? location
                }
                // A link needs the bot's real @name: without Telegram's answer there is no link to give.
                guard let bot = await staffBotUsername() else {
                    return try await staffPage(
                        request, admin,
                        error: admin.texts(
                            ru:
                                "Telegram не ответил за бот сотрудников, поэтому ссылка не создана. Проверьте TELEGRAM_STAFF_BOT_TOKEN и попробуйте снова.",
                            en:
                                "Telegram did not answer for the staff bot, so no link was made. Check TELEGRAM_STAFF_BOT_TOKEN and try again."
                        ))
                }
                let token = StaffInvites.prefix + dependencies.random.urlSafeToken(byteCount: 18)
                let created = try await dependencies.store.pool.invites.create(
                    role: role, locationSlug: location, createdBy: "admin:\(admin.session.account.id)", token: token,
                    at: dependencies.clock.now
                )
                guard let created else {
                    return try await staffPage(
                        request, admin,
                        error: admin.texts(
                            ru: "Нет работающей кофейни «\(location)»: выберите из списка.",
                            en: "No open location \"\(location)\": choose one from the list."))
                }
                let format = try await format()
                return try await staffPage(
                    request, admin,
                    invite: [
                        "link": "https://t.me/\(bot)?start=\(created.token)", "role": admin.texts.role(role.rawValue),
                        "until": format.dateTime(created.expiresAt),
                    ])
            })

        admin.post(
            "staff/:id",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request)
                let role = admin.form["role"].flatMap(Actor.StaffRole.init(rawValue:))
                let active = admin.form["active"].map { $0 == "true" }
                guard role != nil || active != nil else {
                    return try await staffPage(request, admin, error: admin.texts(ru: "Нечего менять.", en: "Nothing to change."))
                }
                let changed = try await operations.updateStaff(
                    id: id, role: role, active: active, by: admin.actor, at: dependencies.clock.now)
                return AdminGate.redirect(to: "/admin/staff?done=\(changed ? "staff" : "nothing")")
            })
    }

    func staffPage(
        _ request: Request, _ admin: AdminRequest, error: String? = nil, invite: [String: String]? = nil
    ) async throws -> Response {
        let format = try await format()
        let rows = try await lists.staff(locationID: admin.location)
        var values: [String: Any] = [
            "staff": rows.map { member in
                [
                    "id": member.id, "name": member.name, "role": admin.texts.role(member.role), "location": member.location,
                    "bound": member.bound,
                    "active": member.active, "since": format.date(member.createdAt), "is_manager": member.role == "manager",
                ] as [String: Any]
            },
            "empty": rows.isEmpty,
            "location_options": try await locationOptions(selected: admin.form["location"], for: admin),
        ]
        values["invite"] = invite
        values["error"] = error
        values["notice"] = Self.notice(request, admin.texts)
        return views.page(
            "staff", title: "Staff", session: admin.session, section: "staff",
            status: error == nil ? .ok : .unprocessableContent, values)
    }

    /// The staff bot's username from Telegram (getMe), for invite links.
    func staffBotUsername() async -> String? {
        await configuration.telegram.api(for: .staff, timeout: .seconds(3)).username()
    }
}
