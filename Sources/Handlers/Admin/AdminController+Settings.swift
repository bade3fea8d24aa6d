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
                    return try await settingsPage(request, admin, errors: invalid.fields)
                }
            })
    }

    func settingsPage(_ request: Request, _ admin: AdminRequest, errors: [String: String] = [:]) async throws -> Response {
        let current = try await AdminSettings(database: dependencies.database, logger: dependencies.logger).current()
        var values: [String: Any] = [
            "settings": current.map { item in
                var field: [String: Any] = [
                    "key": item.setting.key, "label": item.setting.label,
                    "value": admin.form[item.setting.key] ?? item.display,
                ]
                field["error"] = errors[item.setting.key]
                return field
            },
            "can_save": admin.session.account.role == .owner,
            "has_errors": !errors.isEmpty,
        ]
        values["notice"] = Self.notice(request)
        return views.page(
            "settings", title: "Settings", session: admin.session, section: "settings",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }
}
