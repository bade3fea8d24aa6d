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
                let slug = (admin.form.text("slug") ?? "").lowercased()
                var errors = CatalogGiftForm(admin.form, admin.texts).errors
                if slug.range(of: "^[a-z0-9][a-z0-9-]{0,39}$", options: .regularExpression) == nil {
                    errors["slug"] = admin.texts(
                        ru: "Латинские строчные буквы, цифры и дефисы (до 40), например croissant.",
                        en: "Use lowercase letters, digits and dashes (up to 40), e.g. croissant.")
                }
                let form = CatalogGiftForm(admin.form, admin.texts)
                guard errors.isEmpty, let name = form.name, let days = form.validDays else {
                    return try await giftsPage(request, admin, errors: errors)
                }
                guard
                    try await operations.addCatalogGift(
                        slug: slug, name: name, validDays: days, by: admin.actor, at: dependencies.clock.now) != nil
                else {
                    return try await giftsPage(request, admin, errors: ["slug": "A gift with this code already exists."])
                }
                return AdminGate.redirect(to: "/admin/gifts?done=catalog")
            })

        admin.post(
            "gifts/catalog/:id",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request, index: 3)
                let form = CatalogGiftForm(admin.form, admin.texts)
                guard let name = form.name, let days = form.validDays else {
                    return try await giftsPage(request, admin, editing: id, errors: form.errors)
                }
                try await operations.editCatalogGift(id: id, name: name, validDays: days, by: admin.actor, at: dependencies.clock.now)
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

    /// `editing` names the catalogue row whose submitted edit was refused: it shows what was
    /// typed and why.
    func giftsPage(
        _ request: Request, _ admin: AdminRequest, editing: Int64? = nil, errors: [String: String] = [:]
    ) async throws
        -> Response
    {
        let format = try await format()
        let now = dependencies.clock.now
        let catalog = try await dependencies.loyalty.giftCatalog()
        let issued = try await lists.issuedGifts(before: Self.before(request), limit: Self.pageSize)
        var values: [String: Any] = [
            "catalog": catalog.map { item in
                let refused = item.id == editing
                var row: [String: Any] = [
                    "id": item.id, "slug": item.slug, "active": item.active,
                    "name": refused ? admin.form["name"] ?? "" : item.name.russian,
                    "name_en": refused ? admin.form["name_en"] ?? "" : item.name.english,
                    "valid_days": refused ? admin.form["valid_days"] ?? "" : String(item.validDays),
                ]
                if refused { row["errors"] = errors.sorted { $0.key < $1.key }.map(\.value) }
                return row
            },
            "issued": issued.map { gift in
                [
                    "id": gift.id, "customer_id": gift.customerID, "customer": gift.customerName, "name": gift.name, "reason": gift.reason,
                    "by": gift.issuedBy, "issued": format.date(gift.issuedAt), "expires": format.date(gift.expiresAt),
                    "state": gift.redeemedAt != nil ? "redeemed" : (gift.expiresAt <= now ? "expired" : "active"),
                ] as [String: Any]
            },
            "form_slug": editing == nil ? admin.form["slug"] ?? "" : "", "form_name": editing == nil ? admin.form["name"] ?? "" : "",
            "form_name_en": editing == nil ? admin.form["name_en"] ?? "" : "",
            "form_valid_days": editing == nil ? admin.form["valid_days"] ?? "30" : "30",
            "next": Self.nextPage(request, lastID: issued.last?.id, count: issued.count),
        ]
        if editing == nil {
            for (field, message) in errors { values["error_\(field)"] = message }
        }
        values["notice"] = Self.notice(request, admin.texts)
        return views.page(
            "gifts", title: "Gifts", session: admin.session, section: "gifts",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }
}

/// A catalogue item's names and validity as the add and edit forms submit them.
struct CatalogGiftForm {
    var name: LocalizedName?
    var validDays: Int?
    var errors: [String: String] = [:]

    init(_ form: FormFields, _ texts: AdminTexts) {
        let russian = form.text("name") ?? ""
        let english = form.text("name_en") ?? ""
        if russian.isEmpty || russian.count > 100 {
            errors["name"] = texts(
                ru: "Дайте подарку русское название (до 100 символов).", en: "Give the gift a Russian name (up to 100 characters).")
        }
        if english.isEmpty || english.count > 100 {
            errors["name_en"] = texts(
                ru: "Дайте подарку английское название (до 100 символов).", en: "Give the gift an English name (up to 100 characters).")
        }
        if errors.isEmpty { name = LocalizedName(russian: russian, english: english) }
        if let days = form.text("valid_days").flatMap({ Int($0) }), (1...3650).contains(days) {
            validDays = days
        } else {
            errors["valid_days"] = texts(ru: "Укажите срок действия в днях (1–3650).", en: "Enter the days it stays valid (1–3650).")
        }
    }
}
