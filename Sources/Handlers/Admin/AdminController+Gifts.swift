import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addGiftRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "gifts",
            use: gate.page(.viewer) { request, admin in
                try await giftsPage(request, admin)
            })

        admin.post(
            "gifts/catalog",
            use: gate.page(.admin) { request, admin in
                var errors: [String: String] = [:]
                let slug = (admin.form.text("slug") ?? "").lowercased()
                let name = admin.form.text("name") ?? ""
                let days = admin.form.text("valid_days").flatMap { Int($0) }
                if slug.range(of: "^[a-z0-9][a-z0-9-]{0,39}$", options: .regularExpression) == nil {
                    errors["slug"] = "Use lowercase letters, digits and dashes (up to 40), e.g. croissant."
                }
                if name.isEmpty || name.count > 100 { errors["name"] = "Give the gift a name (up to 100 characters)." }
                if days == nil || !(1...3650).contains(days!) { errors["valid_days"] = "Enter the days it stays valid (1–3650)." }
                guard errors.isEmpty, let days else { return try await giftsPage(request, admin, errors: errors) }
                guard
                    try await operations.addCatalogGift(
                        slug: slug, name: name, validDays: days, by: admin.actor, at: dependencies.clock.now) != nil
                else {
                    return try await giftsPage(request, admin, errors: ["slug": "A gift with this code already exists."])
                }
                return AdminGate.redirect(to: "/admin/gifts?done=catalog")
            })

        admin.post(
            "gifts/catalog/:id/active",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request, index: 3)
                try await operations.setCatalogGiftActive(
                    admin.form["active"] == "true", id: id, by: admin.actor, at: dependencies.clock.now)
                return AdminGate.redirect(to: "/admin/gifts?done=catalog")
            })
    }

    func giftsPage(_ request: Request, _ admin: AdminRequest, errors: [String: String] = [:]) async throws -> Response {
        let format = try await format()
        let now = dependencies.clock.now
        let catalog = try await lists.catalog()
        let issued = try await lists.issuedGifts(before: Self.before(request), limit: Self.pageSize)
        var values: [String: Any] = [
            "catalog": catalog.map { ["id": $0.id, "slug": $0.slug, "name": $0.name, "valid_days": $0.validDays, "active": $0.active] },
            "issued": issued.map { gift in
                [
                    "id": gift.id, "customer_id": gift.customerID, "customer": gift.customerName, "name": gift.name, "reason": gift.reason,
                    "by": gift.issuedBy, "issued": format.date(gift.issuedAt), "expires": format.date(gift.expiresAt),
                    "state": gift.redeemedAt != nil ? "redeemed" : (gift.expiresAt <= now ? "expired" : "active"),
                ] as [String: Any]
            },
            "form_slug": admin.form["slug"] ?? "", "form_name": admin.form["name"] ?? "",
            "form_valid_days": admin.form["valid_days"] ?? "30",
            "next": Self.nextPage(request, lastID: issued.last?.id, count: issued.count),
        ]
        for (field, message) in errors { values["error_\(field)"] = message }
        values["notice"] = Self.notice(request)
        return views.page(
            "gifts", title: "Gifts", session: admin.session, section: "gifts",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }
}
