import Foundation
import Hummingbird
import Runtime
import Store

/// The chain's cafés: owners add, rename and archive them; everyone sees them.
extension AdminController {
    var locations: LocationStore { LocationStore(database: dependencies.database, logger: dependencies.logger) }

    func addLocationRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "locations",
            use: gate.page(.viewer) { request, admin in
                try await locationsPage(request, admin)
            })

        admin.post(
            "locations",
            use: gate.page(.owner) { request, admin in
                let slug = (admin.form.text("slug") ?? "").lowercased()
                let name = admin.form.text("name") ?? ""
                var errors: [String: String] = [:]
                if slug.range(of: "^[a-z0-9][a-z0-9-]{0,39}$", options: .regularExpression) == nil {
                    errors["slug"] = admin.texts(
                        ru: "Латинские строчные буквы, цифры и дефисы (до 40), например north.",
                        en: "Use lowercase letters, digits and dashes (up to 40), e.g. north.")
                }
                if let problem = Self.locationNameProblem(name, admin.texts) { errors["name"] = problem }
                guard errors.isEmpty else { return try await locationsPage(request, admin, errors: errors) }
                switch try await locations.add(slug: slug, name: name, by: admin.actor, at: dependencies.clock.now) {
                case .done: return AdminGate.redirect(to: "/admin/locations?done=location")
                default:
                    return try await locationsPage(
                        request, admin,
                        errors: [
                            "slug": admin.texts(
                                ru: "Кофейня с таким кодом или названием уже есть.", en: "A location with this code or name already exists."
                            )
                        ])
                }
            })

        admin.post(
            "locations/:id",
            use: gate.page(.owner) { request, admin in
                let id = try Self.pathID(request)
                let name = admin.form.text("name") ?? ""
                if let problem = Self.locationNameProblem(name, admin.texts) {
                    return try await locationsPage(request, admin, errors: ["rename": problem])
                }
                switch try await locations.rename(id: id, to: name, by: admin.actor, at: dependencies.clock.now) {
                case .done: return AdminGate.redirect(to: "/admin/locations?done=location")
                case .taken:
                    return try await locationsPage(
                        request, admin,
                        errors: [
                            "rename": admin.texts(ru: "Такое название уже у другой кофейни.", en: "Another location already has this name.")
                        ])
                case .notFound, .lastActive: throw HTTPError(.notFound)
                }
            })

        admin.post(
            "locations/:id/archived",
            use: gate.page(.owner) { request, admin in
                let id = try Self.pathID(request, index: 2)
                let archived = admin.form["archived"] == "true"
                switch try await locations.setArchived(archived, id: id, by: admin.actor, at: dependencies.clock.now) {
                case .done, .notFound: return AdminGate.redirect(to: "/admin/locations?done=location")
                case .lastActive:
                    return try await locationsPage(
                        request, admin,
                        errors: [
                            "rename": admin.texts(
                                ru: "Единственную работающую кофейню нельзя отправить в архив.",
                                en: "The only active location cannot be archived.")
                        ])
                case .taken: throw HTTPError(.conflict)
                }
            })
    }

    static func locationNameProblem(_ name: String, _ texts: AdminTexts) -> String? {
        guard name.isEmpty || name.count > 200 else { return nil }
        return texts(ru: "Дайте кофейне название (до 200 символов).", en: "Give the location a name (up to 200 characters).")
    }

    func locationsPage(_ request: Request, _ admin: AdminRequest, errors: [String: String] = [:]) async throws -> Response {
        let all = try await locations.all()
        var values: [String: Any] = [
            "locations": all.map { ["id": $0.id, "slug": $0.slug, "name": $0.name, "archived": $0.archived] as [String: Any] },
            "can_manage": admin.session.account.role == .owner,
            "form_slug": admin.form["slug"] ?? "", "form_name": admin.form["name"] ?? "",
        ]
        for (field, message) in errors { values["error_\(field)"] = message }
        values["notice"] = Self.notice(request, admin.texts)
        return views.page(
            "locations", title: "Locations", session: admin.session, section: "locations",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }

    /// The active locations as `<option>`s, the chosen (or first) one selected; an admin of one
    /// location gets only theirs.
    func locationOptions(selected: String?, for admin: AdminRequest) async throws -> [[String: Any]] {
        let active = try await locations.all().filter { !$0.archived && (admin.location == nil || $0.id == admin.location) }
        let chosen = selected ?? active.first?.slug
        return active.map { ["value": $0.slug, "label": $0.name, "selected": $0.slug == chosen] }
    }
}
