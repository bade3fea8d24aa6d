import Domain
import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    func addFeedbackRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get(
            "feedback",
            use: gate.page(.viewer) { request, admin in
                try await feedbackPage(request, admin)
            })

        admin.post(
            "feedback/:id/status",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request)
                guard let status = admin.form["status"], AdminOperations.feedbackStatuses.contains(status) else {
                    return try await feedbackPage(
                        request, admin,
                        error: admin.texts(ru: "Выберите: новое, в работе или решено.", en: "Choose new, in progress or done."))
                }
                let changed = try await operations.setFeedbackStatus(status, feedbackID: id, by: admin.actor, at: dependencies.clock.now)
                return AdminGate.redirect(to: "/admin/feedback?done=\(changed ? "status" : "nothing")")
            })

        admin.post(
            "feedback/:id/reply",
            use: gate.page(.admin) { request, admin in
                let id = try Self.pathID(request)
                guard let text = admin.form.text("text"), text.count <= 3500 else {
                    return try await feedbackPage(
                        request, admin,
                        error: admin.texts(ru: "Напишите ответ (до 3500 символов).", en: "Write the reply (up to 3500 characters)."))
                }
                let outcome = try await operations.reply(to: id, text: text, by: admin.actor, at: dependencies.clock.now) {
                    language, text in
                    language == .en ? "Reply from the café team:\n\n\(text)" : "Ответ от команды кофейни:\n\n\(text)"
                }
                switch outcome {
                case .queued: return AdminGate.redirect(to: "/admin/feedback?done=replied")
                case .feedbackNotFound: throw HTTPError(.notFound)
                case .guestUnreachable:
                    return try await feedbackPage(
                        request, admin,
                        error: admin.texts(
                            ru: "Гость недоступен в Telegram (заблокировал бота или обезличен); ничего не отправлено.",
                            en: "The guest cannot be reached in Telegram (blocked the bot or was anonymised); nothing was sent."))
                }
            })
    }

    func feedbackPage(_ request: Request, _ admin: AdminRequest, error: String? = nil) async throws -> Response {
        let format = try await format()
        let texts = admin.texts
        let lowAtOrBelow = try await dependencies.store.pool.settings().reviewAlertThreshold
        let status = request.uri.queryParameters.get("status").flatMap { AdminOperations.feedbackStatuses.contains($0) ? $0 : nil }
        let rows = try await lists.feedback(status: status, before: Self.before(request), limit: Self.pageSize)
        var values: [String: Any] = [
            "filters": ([nil] + AdminOperations.feedbackStatuses).map { value in
                [
                    "value": value ?? "", "label": value.map(texts.feedbackStatus) ?? texts(ru: "все", en: "all"),
                    "selected": value == status,
                ]
            },
            "items": rows.map { item in
                [
                    "id": item.id, "customer_id": item.customerID, "customer": item.customerName, "kind": texts.feedbackKind(item.kind),
                    "rating": item.rating.map { "\($0)/10" } ?? "", "low": item.rating.map { $0 <= lowAtOrBelow } ?? false,
                    "body": item.body ?? "",
                    "order": item.orderID.map { "#\($0)" } ?? "", "status": texts.feedbackStatus(item.status),
                    "when": format.dateTime(item.createdAt),
                    "replied": item.replies > 0,
                    "statuses": AdminOperations.feedbackStatuses.map {
                        ["value": $0, "label": texts.feedbackStatus($0), "selected": $0 == item.status] as [String: Any]
                    },
                ] as [String: Any]
            },
            "empty": rows.isEmpty,
            "next": Self.nextPage(request, lastID: rows.last?.id, count: rows.count),
        ]
        values["notice"] = Self.notice(request, admin.texts)
        values["error"] = error
        return views.page(
            "feedback", title: "Feedback", session: admin.session, section: "feedback",
            status: error == nil ? .ok : .unprocessableContent, values)
    }
}
