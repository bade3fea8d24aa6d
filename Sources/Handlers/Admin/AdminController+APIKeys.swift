import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addAPIKeyRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "api-keys",
            use: gate.page(.owner) { request, admin in
                try await apiKeysPage(request, admin)
            })

        // The secret is shown in this response only; the table keeps its SHA-256.
        admin.post(
            "api-keys",
            use: gate.page(.owner) { request, admin in
                let name = admin.form.text("name") ?? ""
                let scopes = Set(APIKeyStore.scopes.filter { admin.form["scope_\($0)"] == "on" })
                var errors: [String: String] = [:]
                if name.isEmpty || name.count > 100 {
                    errors["name"] = admin.texts(
                        ru: "Назовите ключ по системе, которая им пользуется, например «Касса в зале».",
                        en: "Name the key after its system, e.g. \"POS front desk\".")
                }
                if scopes.isEmpty { errors["scopes"] = admin.texts(ru: "Выберите хотя бы одно право.", en: "Choose at least one scope.") }
                guard errors.isEmpty else { return try await apiKeysPage(request, admin, errors: errors) }
                let store = APIKeyStore(database: dependencies.database, logger: dependencies.logger)
                let prefix = "crema_" + dependencies.random.hexString(byteCount: 4)
                let created = try await store.create(
                    name: name, scopes: scopes, locationSlug: admin.form.text("location") ?? "main",
                    chainWide: admin.form["chain_wide"] == "on", prefix: prefix,
                    secret: dependencies.random.urlSafeToken(byteCount: 24), createdBy: "admin:\(admin.session.account.id)",
                    requestID: admin.requestID, at: dependencies.clock.now
                )
                guard let created else {
                    return try await apiKeysPage(
                        request, admin,
                        errors: [
                            "location": admin.texts(
                                ru: "Выберите работающую кофейню из списка.", en: "Choose an open location from the list.")
                        ])
                }
                return try await apiKeysPage(request, admin, created: created.key)
            })

        admin.post(
            "api-keys/:prefix/revoke",
            use: gate.page(.owner) { request, admin in
                let parts = request.uri.path.split(separator: "/")
                guard parts.count == 4 else { throw HTTPError(.notFound) }
                let store = APIKeyStore(database: dependencies.database, logger: dependencies.logger)
                let revoked = try await store.revoke(
                    prefix: String(parts[2]), by: "admin:\(admin.session.account.id)", at: dependencies.clock.now)
                return AdminGate.redirect(to: "/admin/api-keys?done=\(revoked ? "revoked" : "nothing")")
            })
    }

    func apiKeysPage(
        _ request: Request, _ admin: AdminRequest, errors: [String: String] = [:], created: String? = nil
    ) async throws -> Response {
        let format = try await format()
        // Active keys first, newest first.
        let keys = try await APIKeyStore(database: dependencies.database, logger: dependencies.logger).list()
            .sorted { ($0.revokedAt != nil ? 1 : 0, -$0.id) < ($1.revokedAt != nil ? 1 : 0, -$1.id) }
        var values: [String: Any] = [
            "keys": keys.map { key in
                [
                    "name": key.name, "prefix": key.prefix, "scopes": key.scopes.joined(separator: ", "),
                    "location": key.chainWide
                        ? admin.texts(ru: "вся сеть (продажи — \(key.location))", en: "whole chain (sales at \(key.location))")
                        : key.location,
                    "created": format.date(key.createdAt),
                    "used": key.lastUsedAt.map(format.dateTime) ?? "never", "revoked": key.revokedAt != nil,
                ] as [String: Any]
            },
            "scopes": APIKeyStore.scopes.sorted().map { ["name": $0, "checked": admin.form["scope_\($0)"] == "on"] },
            "form_name": admin.form["name"] ?? "",
            "location_options": try await locationOptions(selected: admin.form["location"], for: admin),
            "empty": keys.isEmpty,
        ]
        values["created"] = created
        for (field, message) in errors { values["error_\(field)"] = message }
        values["notice"] = Self.notice(request, admin.texts)
        return views.page(
            "api-keys", title: "API keys", session: admin.session, section: "apikeys",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }
}
