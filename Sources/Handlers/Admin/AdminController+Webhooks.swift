import Foundation
import Hummingbird
import Runtime
import Store

extension AdminController {
    var webhooks: WebhookStore { dependencies.store.webhooks }

    func addWebhookRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get("webhooks", use: gate.page(.owner) { request, admin in try await webhooksPage(request, admin) })

        // The signing secret is shown in this response only.
        admin.post(
            "webhooks",
            use: gate.page(.owner) { request, admin in
                let events = WebhookEndpoint.eventTypes.filter { admin.form["event_\($0)"] == "on" }
                let description = admin.form.text("description").flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
                var errors: [String: String] = [:]
                let url = admin.form.text("url") ?? ""
                do {
                    _ = try WebhookAddress(environment: configuration.environment).check(url)
                } catch {
                    errors["url"] = admin.texts(
                        ru: "Нужен адрес https:// сервера партнёра в интернете (\(error)).",
                        en: "Enter the partner server's public https:// address (\(error)).")
                }
                if events.isEmpty { errors["events"] = admin.texts(ru: "Выберите хотя бы одно событие.", en: "Choose at least one event.") }
                guard errors.isEmpty else { return try await webhooksPage(request, admin, errors: errors) }
                let secret = "whsec_" + dependencies.random.urlSafeToken(byteCount: 32)
                _ = try await webhooks.create(
                    url: url, events: events, secret: secret, description: description,
                    createdBy: "admin:\(admin.session.account.id)", requestID: admin.requestID, at: dependencies.clock.now)
                return try await webhooksPage(request, admin, createdSecret: secret)
            })

        for (action, active) in [("enable", true), ("disable", false)] {
            admin.post(
                "webhooks/:id/\(action)",
                use: gate.page(.owner) { request, admin in
                    let id = try Self.webhookID(request)
                    let changed = try await webhooks.setActive(
                        id, active, by: "admin:\(admin.session.account.id)", at: dependencies.clock.now)
                    return AdminGate.redirect(to: "/admin/webhooks?done=\(changed ? (active ? "webhook_on" : "webhook_off") : "nothing")")
                })
        }

        admin.post(
            "webhooks/:id/test",
            use: gate.page(.owner) { request, admin in
                let id = try Self.webhookID(request)
                let queued = try await webhooks.sendTest(endpointID: id, at: dependencies.clock.now)
                return AdminGate.redirect(to: "/admin/webhooks/\(id)?done=\(queued ? "webhook_test" : "nothing")")
            })

        admin.get(
            "webhooks/:id",
            use: gate.page(.owner) { request, admin in
                let id = try Self.webhookID(request)
                guard let endpoint = try await webhooks.list().first(where: { $0.id == id }) else { throw HTTPError(.notFound) }
                let format = try await format()
                let deliveries = try await webhooks.deliveries(endpointID: id)
                var values: [String: Any] = [
                    "endpoint": Self.endpointValues(endpoint, format: format),
                    "deliveries": deliveries.map { delivery in
                        [
                            "id": delivery.id, "event_id": delivery.eventID, "type": delivery.type,
                            "status": delivery.status.rawValue, "delivered": delivery.status == .delivered,
                            "failed": delivery.status == .failed, "pending": delivery.status == .pending,
                            "attempts": delivery.attempts, "code": delivery.lastStatusCode.map(String.init) ?? "—",
                            "error": delivery.lastError ?? "", "duration": delivery.lastDurationMilliseconds.map { "\($0) ms" } ?? "—",
                            "attempted": delivery.lastAttemptAt.map(format.dateTime) ?? "—",
                            "next": delivery.status == .pending ? format.dateTime(delivery.nextAttemptAt) : "",
                        ] as [String: Any]
                    },
                    "empty": deliveries.isEmpty,
                ]
                values["notice"] = Self.notice(request, admin.texts)
                return views.page("webhook", title: "Webhook deliveries", session: admin.session, section: "webhooks", values)
            })

        admin.post(
            "webhooks/:id/deliveries/:delivery/resend",
            use: gate.page(.owner) { request, admin in
                let parts = request.uri.path.split(separator: "/")
                guard parts.count == 6, let id = Int64(parts[2]), let delivery = Int64(parts[4]) else { throw HTTPError(.notFound) }
                let queued = try await webhooks.resend(deliveryID: delivery, of: id, at: dependencies.clock.now)
                return AdminGate.redirect(to: "/admin/webhooks/\(id)?done=\(queued ? "webhook_resent" : "nothing")")
            })
    }

    static func webhookID(_ request: Request) throws -> Int64 {
        let parts = request.uri.path.split(separator: "/")
        guard parts.count >= 3, let id = Int64(parts[2]) else { throw HTTPError(.notFound) }
        return id
    }

    static func endpointValues(_ endpoint: WebhookEndpoint, format: AdminFormat) -> [String: Any] {
        [
            "id": endpoint.id, "url": endpoint.url, "events": endpoint.events.joined(separator: ", "),
            "description": endpoint.description ?? "", "active": endpoint.active, "reason": endpoint.disabledReason ?? "",
            "created": format.date(endpoint.createdAt), "pending": endpoint.pending, "failed": endpoint.failed,
        ]
    }

    func webhooksPage(
        _ request: Request, _ admin: AdminRequest, errors: [String: String] = [:], createdSecret: String? = nil
    ) async throws -> Response {
        let format = try await format()
        let endpoints = try await webhooks.list()
        var values: [String: Any] = [
            "endpoints": endpoints.map { Self.endpointValues($0, format: format) },
            "event_types": WebhookEndpoint.eventTypes.map { ["name": $0, "checked": admin.form["event_\($0)"] == "on"] },
            "form_url": admin.form["url"] ?? "", "form_description": admin.form["description"] ?? "",
            "empty": endpoints.isEmpty,
        ]
        values["created"] = createdSecret
        for (field, message) in errors { values["error_\(field)"] = message }
        values["notice"] = Self.notice(request, admin.texts)
        return views.page(
            "webhooks", title: "Webhooks", session: admin.session, section: "webhooks",
            status: errors.isEmpty ? .ok : .unprocessableContent, values)
    }
}
