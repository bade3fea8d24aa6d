import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addOrderRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "orders",
            use: gate.page(.viewer) { request, admin in
                try await ordersPage(request, admin)
            })

        admin.post(
            "orders/:id/cancel",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request)
                guard let reason = admin.form.text("reason"), reason.count <= 500 else {
                    return try await ordersPage(
                        request, admin,
                        error: admin.texts(
                            ru: "Заказ №\(id) не отменён: укажите причину (до 500 символов).",
                            en: "Order #\(id) was not cancelled: give a reason (up to 500 characters)."))
                }
                do {
                    _ = try await dependencies.loyalty.cancelSale(orderID: id, by: admin.actor, reason: reason, at: dependencies.clock.now)
                } catch let error as LoyaltyError {
                    return try await ordersPage(
                        request, admin,
                        error: admin.texts(ru: "Заказ №\(id) не отменён: ", en: "Order #\(id) was not cancelled: ")
                            + Self.message(for: error, admin.texts))
                }
                let back = Self.safeNext(admin.form["back"])
                return AdminGate.redirect(to: back + (back.contains("?") ? "&" : "?") + "done=cancelled")
            })

        admin.post(
            "orders/:id/refunds",
            use: gate.page(.admin) { request, admin in
                try await refundOrder(request, admin)
            })
    }

    /// A refund of part of an order. The form carries a key drawn when it was shown, so a double
    /// submit refunds once.
    func refundOrder(_ request: Request, _ admin: AdminRequest) async throws -> Response {
        let id = try Self.pathID(request)
        let failed = admin.texts(ru: "Возврат по заказу №\(id) не оформлен: ", en: "No refund on order #\(id): ")
        guard let amount = admin.form.text("amount").flatMap(Money.init(parsing:)), amount.kopecks > 0,
            amount <= Money(kopecks: 1_000_000_000)
        else {
            return try await ordersPage(
                request, admin, error: failed + admin.texts(ru: "укажите сумму больше нуля.", en: "enter an amount above zero."))
        }
        guard let reason = admin.form.text("reason"), reason.count <= 500 else {
            return try await ordersPage(
                request, admin,
                error: failed + admin.texts(ru: "укажите причину (до 500 символов).", en: "give a reason (up to 500 characters)."))
        }
        guard let key = admin.form.text("key"), (16...64).contains(key.count) else { throw HTTPError(.badRequest) }
        do {
            _ = try await dependencies.loyalty.refundSale(
                RefundRequest(orderID: id, amount: amount, reason: reason, idempotencyKey: "admin:\(admin.session.account.id):\(key)"),
                by: admin.actor, at: dependencies.clock.now)
        } catch let error as LoyaltyError {
            return try await ordersPage(request, admin, error: failed + Self.message(for: error, admin.texts))
        }
        let back = Self.safeNext(admin.form["back"])
        return AdminGate.redirect(to: back + (back.contains("?") ? "&" : "?") + "done=refunded")
    }

    func ordersPage(_ request: Request, _ admin: AdminRequest, error: String? = nil) async throws -> Response {
        let query = request.uri.queryParameters
        let format = try await format()
        let status = query.get("status").flatMap(AdminLists.OrderStatus.init(rawValue:)) ?? .all
        let fromText = query.get("from") ?? "", toText = query.get("to") ?? ""
        let allLocations = try await locations.all()
        let chosenLocation = admin.location ?? query.get("location").flatMap { slug in allLocations.first { $0.slug == slug }?.id }
        var filter = AdminLists.OrderFilter(
            status: status, customerID: query.get("customer").flatMap { Int64($0) }, locationID: chosenLocation)
        filter.from = format.startOfDay(fromText)
        filter.to = format.startOfDay(toText).map { $0.addingTimeInterval(86_400) }
        let rows = try await lists.orders(filter, before: Self.before(request), limit: Self.pageSize)
        var values: [String: Any] = [
            "statuses": AdminLists.OrderStatus.allCases.map { choice in
                let label: String
                switch choice {
                case .all: label = admin.texts(ru: "все", en: "all")
                case .confirmed: label = admin.texts(ru: "проведённые", en: "confirmed")
                case .cancelled: label = admin.texts(ru: "отменённые", en: "cancelled")
                }
                return ["value": choice.rawValue, "label": label, "selected": choice == status] as [String: Any]
            },
            "can_choose_location": admin.location == nil && allLocations.count > 1,
            "locations": [["value": "", "label": admin.texts(ru: "Вся сеть", en: "All locations"), "selected": chosenLocation == nil]]
                + allLocations.map { ["value": $0.slug, "label": $0.name, "selected": $0.id == chosenLocation] as [String: Any] },
            "from": fromText, "to": toText, "customer": filter.customerID.map(String.init) ?? "",
            "orders": rows.map { order in
                [
                    "id": order.id, "customer_id": order.customerID, "customer": order.customerName, "location": order.location,
                    "actor": order.actor, "amount": format.money(order.amountKopecks), "paid": format.money(order.paidKopecks),
                    "redeemed": order.pointsRedeemed, "earned": order.pointsEarned, "when": format.dateTime(order.createdAt),
                    "cancelled": order.cancelledAt != nil, "cancel_reason": order.cancelReason ?? "",
                    "refunded": order.refundedKopecks > 0 ? format.money(order.refundedKopecks) : "",
                    "refundable": order.cancelledAt == nil && order.refundedKopecks < order.amountKopecks,
                    "refund_key": dependencies.random.urlSafeToken(byteCount: 18),
                ] as [String: Any]
            },
            "empty": rows.isEmpty,
            "back": request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""),
            "next": Self.nextPage(request, lastID: rows.last?.id, count: rows.count) as Any,
        ]
        values["notice"] = Self.notice(request, admin.texts)
        if let error {
            values["error"] = error
            values["back"] = "/admin/orders"
        }
        return views.page(
            "orders", title: "Orders", session: admin.session, section: "orders",
            status: error == nil ? .ok : .unprocessableContent, values)
    }
}
