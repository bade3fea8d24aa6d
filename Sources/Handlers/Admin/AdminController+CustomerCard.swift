import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addCustomerCardRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "customers/:id",
            use: gate.page(.viewer) { request, admin in
                try await customerCard(request, admin)
            })

        admin.post(
            "customers/:id/points",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request)
                let points = admin.form.text("points").flatMap { Int($0.replacingOccurrences(of: "+", with: "")) }
                let reason = admin.form.text("reason")
                // A range check, not `abs`: `abs(Int.min)` would stop the process.
                guard let points, points != 0, (-1_000_000...1_000_000).contains(points) else {
                    return try await customerCard(
                        request, admin,
                        errors: [
                            "points": admin.texts(
                                ru: "Введите целое число баллов, например 50 или -20 (не 0).",
                                en: "Enter a whole number of points, e.g. 50 or -20 (not 0).")
                        ])
                }
                guard let reason, reason.count <= 500 else {
                    return try await customerCard(
                        request, admin,
                        errors: [
                            "points_reason": admin.texts(
                                ru: "Укажите причину (до 500 символов); её видят гость и проверяющие.",
                                en: "Say why (up to 500 characters); guests and auditors see it.")
                        ])
                }
                // A credit may carry its own validity; blank means the café's setting.
                let validityText = admin.form.text("valid_months") ?? ""
                let validity = Int(validityText).flatMap { (0...120).contains($0) ? PointsValidity(months: $0) : nil }
                guard validityText.isEmpty || validity != nil else {
                    return try await customerCard(
                        request, admin,
                        errors: [
                            "valid_months": admin.texts(
                                ru: "Срок — целое число месяцев от 0 (бессрочно) до 120, или оставьте пустым.",
                                en: "Validity is a whole number of months from 0 (never expire) to 120, or leave it blank.")
                        ])
                }
                do {
                    _ = try await dependencies.loyalty.adjustPoints(
                        customerID: id, by: points, reason: reason, validity: validity, actor: admin.actor, at: dependencies.clock.now)
                } catch let error as LoyaltyError {
                    return try await customerCard(request, admin, errors: ["points": Self.message(for: error, admin.texts)])
                }
                return AdminGate.redirect(to: "/admin/customers/\(id)?done=points")
            })

        admin.post(
            "customers/:id/gifts",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request)
                guard let catalogID = admin.form.text("catalog_id").flatMap({ Int64($0) }) else {
                    return try await customerCard(
                        request, admin, errors: ["gift": admin.texts(ru: "Выберите подарок.", en: "Choose a gift.")])
                }
                guard let reason = admin.form.text("reason"), reason.count <= 500 else {
                    return try await customerCard(
                        request, admin,
                        errors: [
                            "gift_reason": admin.texts(
                                ru: "Укажите, за что подарок (до 500 символов).", en: "Say why the guest gets it (up to 500 characters).")
                        ])
                }
                do {
                    _ = try await dependencies.loyalty.issueGift(
                        customerID: id, catalogID: catalogID, reason: reason, by: admin.actor, at: dependencies.clock.now)
                } catch let error as LoyaltyError {
                    return try await customerCard(request, admin, errors: ["gift": Self.message(for: error, admin.texts)])
                }
                return AdminGate.redirect(to: "/admin/customers/\(id)?done=gift")
            })

        for (path, blocked) in [("block", true), ("unblock", false)] {
            admin.post(
                "customers/:id/\(path)",
                use: gate.page(.admin) { request, admin in
                    let id = try Self.pathID(request)
                    let reason = admin.form.text("reason") ?? ""
                    let changed = try await customers.setBlocked(
                        blocked, customerID: id, by: admin.actor, reason: String(reason.prefix(500)), at: dependencies.clock.now)
                    return AdminGate.redirect(
                        to: "/admin/customers/\(id)?done=\(changed ? (blocked ? "blocked" : "unblocked") : "nothing")")
                })
        }

        admin.post(
            "customers/:id/anonymise",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request)
                guard admin.form["confirm"]?.trimmingCharacters(in: .whitespaces) == "ERASE" else {
                    return try await customerCard(
                        request, admin,
                        errors: [
                            "anonymise": admin.texts(
                                ru: "Для подтверждения введите ERASE: это нельзя отменить.",
                                en: "Type ERASE to confirm: this cannot be undone.")
                        ])
                }
                let reason = admin.form.text("reason") ?? "guest's request"
                let done = try await customers.anonymise(
                    customerID: id, by: admin.actor, reason: String(reason.prefix(500)), at: dependencies.clock.now)
                return AdminGate.redirect(to: "/admin/customers/\(id)?done=\(done ? "anonymised" : "nothing")")
            })
    }

    /// The card, with form errors when a change was refused (then 422).
    func customerCard(_ request: Request, _ admin: AdminRequest, errors: [String: String] = [:]) async throws -> Response {
        let id = try Self.pathID(request)
        guard let card = try await customers.card(id: id) else {
            return views.page(
                "message", title: "Not found", session: admin.session, section: "customers", status: .notFound,
                [
                    "heading": admin.texts(ru: "Такого гостя нет", en: "No such guest"),
                    "text": admin.texts(ru: "Гостя №\(id) не существует.", en: "Guest #\(id) does not exist."), "link": "/admin/customers",
                ])
        }
        let format = try await format()
        let texts = admin.texts
        let catalog = try await dependencies.loyalty.giftCatalog()
        let profile = card.profile
        let expiring = try await dependencies.loyalty.upcomingExpiry(customerID: profile.id)
        var values: [String: Any] = [
            "id": profile.id,
            "name": [profile.firstName, profile.lastName].compactMap { $0 }.joined(separator: " "),
            "telegram_id": profile.telegramID.map(String.init) ?? "—", "phone": profile.phone ?? "—",
            "birth_date": profile.birthDate ?? "—", "language": profile.language == "en" ? "English" : texts(ru: "русский", en: "Russian"),
            "tier": profile.tier.rawValue, "tier_name": texts.tier(profile.tier),
            "balance": profile.balance, "debt": profile.debt, "has_debt": profile.debt > 0,
            "expiring": expiring.map {
                texts(
                    ru: "\(RussianPlural.points($0.points)) — \(CafeTime.dotted($0.day))", en: "\($0.points) on \(CafeTime.dotted($0.day))")
            } as Any,
            "spend": format.money(profile.spendKopecks),
            "promo": profile.promoOptIn ? texts(ru: "да", en: "yes") : texts(ru: "нет", en: "no"),
            "created": format.dateTime(profile.createdAt),
            "blocked": profile.blockedAt != nil, "unreachable": profile.unreachableAt != nil, "anonymised": profile.anonymisedAt != nil,
            "active": profile.anonymisedAt == nil,
            "ledger": card.ledger.map { line in
                [
                    "when": format.dateTime(line.createdAt), "kind": texts.ledgerKind(line.kind),
                    "points": line.points > 0 ? "+\(line.points)" : "\(line.points)",
                    "debt": line.debt == 0 ? "" : "\(line.debt)", "order": line.orderID.map { "#\($0)" } ?? "", "actor": line.actor,
                    "reason": line.reason ?? "",
                ]
            },
            "orders": card.orders.map { order in
                [
                    "id": order.id, "when": format.dateTime(order.createdAt), "amount": format.money(order.amountKopecks),
                    "paid": format.money(order.paidKopecks), "redeemed": order.pointsRedeemed, "earned": order.pointsEarned,
                    "cancelled": order.cancelledAt != nil,
                ] as [String: Any]
            },
            "gifts": card.gifts.map { gift in
                [
                    "name": gift.name, "reason": gift.reason, "issued": format.date(gift.issuedAt), "expires": format.date(gift.expiresAt),
                    "state": texts.giftState(
                        gift.redeemedAt != nil ? "redeemed" : (gift.expiresAt <= dependencies.clock.now ? "expired" : "active")),
                ]
            },
            "feedback": card.feedback.map { item in
                [
                    "kind": texts.feedbackKind(item.kind), "rating": item.rating.map { "\($0)/10" } ?? "", "body": item.body ?? "",
                    "status": texts.feedbackStatus(item.status),
                    "when": format.dateTime(item.createdAt),
                ]
            },
            "catalog": catalog.map { ["id": $0.id, "name": $0.name[texts.language]] },
            "has_errors": !errors.isEmpty,
        ]
        for (field, message) in errors { values["error_\(field)"] = message }
        values["notice"] = Self.notice(request, admin.texts)
        values["form_points"] = admin.form["points"] ?? ""
        values["form_reason"] = admin.form["reason"] ?? ""
        values["form_valid_months"] = admin.form["valid_months"] ?? ""
        return views.page(
            "customer", title: values["name"] as? String ?? "Guest", session: admin.session, section: "customers",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }

    /// The id in the path: `/admin/<section>/<id>/…` has it at `index` 2.
    static func pathID(_ request: Request, index: Int = 2) throws -> Int64 {
        let parts = request.uri.path.split(separator: "/")
        guard parts.indices.contains(index), let id = Int64(parts[index]), id > 0 else {
            throw HTTPError(.notFound)
        }
        return id
    }

    /// The engine's refusals in the panel's words.
    static func message(for error: LoyaltyError, _ texts: AdminTexts) -> String {
        switch error {
        case .insufficientPoints(let balance):
            return texts(ru: "У гостя всего \(RussianPlural.points(balance)).", en: "The guest has only \(balance) points.")
        case .customerNotFound: return texts(ru: "Этого гостя больше нет.", en: "This guest no longer exists.")
        case .customerBlocked:
            return texts(ru: "Гость заблокирован; сначала разблокируйте его.", en: "The guest is blocked; unblock them first.")
        case .giftNotFound:
            return texts(
                ru: "Такого подарка нет в каталоге (или он отключён).", en: "That gift is not in the catalogue (or is switched off).")
        case .orderNotFound: return texts(ru: "Такого заказа нет.", en: "No such order.")
        case .alreadyCancelled: return texts(ru: "Этот заказ уже отменён.", en: "This order is already cancelled.")
        case .importedOrder:
            return texts(
                ru: "Этот заказ перенесён из прежней системы: его нельзя отменить или вернуть.",
                en: "This order came from the previous system: it cannot be cancelled or refunded.")
        case .refundAboveOrder(let refundable):
            return refundable.kopecks > 0
                ? texts(ru: "Вернуть можно не больше \(refundable).", en: "At most \(refundable) can be refunded.")
                : texts(ru: "По этому заказу уже всё возвращено.", en: "This order has been refunded in full.")
        case .invalidAmount: return texts(ru: "Укажите сумму больше нуля.", en: "Enter an amount above zero.")
        case .invalidPoints:
            return texts(ru: "Укажите ненулевое число баллов и причину.", en: "Enter a non-zero number of points and a reason.")
        case .notYourLocation: return texts(ru: "Это заказ другой кофейни.", en: "This order belongs to another location.")
        default: return texts(ru: "Отказано: \(error.code).", en: "Refused: \(error.code).")
        }
    }
}
