import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addSettingsRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "settings",
            use: gate.page(.viewer) { request, admin in
                try await settingsPage(request, admin)
            })

        admin.post(
            "settings",
            use: gate.page(.owner) { request, admin in
                let settings = AdminSettings(database: dependencies.database, logger: dependencies.logger)
                do {
                    let changed = try await settings.update(admin.form.values, by: admin.actor, at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/settings?done=\(changed.isEmpty ? "nothing" : "settings")")
                } catch let invalid as SettingsValidationError {
                    let words = SettingWords(texts: admin.texts)
                    let errors = Dictionary(uniqueKeysWithValues: invalid.problems.map { ($0.key, words.problem($0.value, for: $0.key)) })
                    return try await settingsPage(request, admin, errors: errors)
                }
            })
    }

    func settingsPage(_ request: Request, _ admin: AdminRequest, errors: [String: String] = [:]) async throws -> Response {
        let settings = AdminSettings(database: dependencies.database, logger: dependencies.logger)
        let current = try await settings.current()
        let gifts = try await settings.giftChoices()
        let words = SettingWords(texts: admin.texts)
        let groups: [[String: Any]] = EditableSetting.Group.allCases.map { group in
            let fields: [[String: Any]] = current.filter { $0.setting.group == group }.map { item in
                let value = admin.form[item.setting.key] ?? item.display
                var field: [String: Any] = [
                    "key": item.setting.key, "label": words.label(item.setting), "unit": words.unit(item.setting),
                    "allowed": words.allowed(item.setting), "value": value,
                ]
                switch item.setting.kind {
                case .integer(let range), .roubles(let range):
                    field["number"] = ["min": range.lowerBound, "max": range.upperBound]
                case .giftItem:
                    field["is_choice"] = true
                    field["options"] = gifts.map {
                        ["value": $0.slug, "label": $0.name[admin.texts.language], "selected": $0.slug == value]
                    }
                case .timeZone:
                    break
                }
                field["error"] = errors[item.setting.key]
                return field
            }
            return ["title": words.group(group), "fields": fields]
        }
        var values: [String: Any] = [
            "groups": groups,
            "can_save": admin.session.account.role == .owner,
            "has_errors": !errors.isEmpty,
        ]
        values["notice"] = Self.notice(request, admin.texts)
        return views.page(
            "settings", title: "Settings", session: admin.session, section: "settings",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }
}
