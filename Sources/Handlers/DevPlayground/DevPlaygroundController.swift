import Foundation
import Hummingbird
import Logging
import Runtime
import Store

/// `/dev/playground`: both bots in the browser, through the real webhooks. Only in dev.
struct DevPlaygroundController {
    let configuration: AppConfiguration
    let dependencies: AppDependencies

    func addRoutes(to router: Router<AppRequestContext>) throws {
        let calls = DevBotCalls(database: dependencies.database, logger: dependencies.logger)
        DevBotAPIController(telegram: configuration.telegram, calls: calls, clock: dependencies.clock).addRoutes(to: router)

        try BundledFiles(
            folder: "playground", path: "dev/playground", index: "playground.html",
            files: [("playground.html", "text/html; charset=utf-8"), ("playground.css", "text/css"), ("playground.js", "text/javascript")],
            headers: [.cacheControl: "no-cache", .contentSecurityPolicy: "default-src 'self'"]
        ).addRoutes(to: router)

        // What the page needs to act as Telegram: the webhook secrets and the bot tokens (dev only).
        let telegram = configuration.telegram
        router.get("dev/playground/config") { _, _ in
            DevBotAPIController.answer(
                200,
                [
                    "client": ["secret": telegram.clientWebhookSecret, "token": telegram.clientBotToken],
                    "staff": ["secret": telegram.staffWebhookSecret, "token": telegram.staffBotToken],
                ])
        }
        router.get("dev/playground/calls") { request, _ in
            let after = request.uri.queryParameters.get("after").flatMap(Int64.init) ?? 0
            let found = try await calls.calls(after: after)
            let list: [[String: Any]] = found.map { call in
                var item: [String: Any] = ["id": call.id, "bot": call.bot, "method": call.method]
                item["chat_id"] = call.chatID
                item["message_id"] = call.messageID ?? call.id
                item["payload"] = (try? JSONSerialization.jsonObject(with: Data(call.payload.utf8))) ?? [:]
                return item
            }
            return DevBotAPIController.answer(200, ["calls": list])
        }
        router.get("dev/playground/guests") { _, _ in
            let guests = try await dependencies.store.pool.staff.demoGuests()
            return DevBotAPIController.answer(200, ["guests": guests.map { ["telegram_id": $0.telegramID, "first_name": $0.firstName] }])
        }
        router.post("dev/playground/invite") { _, _ in
            let token = StaffInvites.prefix + dependencies.random.urlSafeToken(byteCount: 18)
            let created = try await dependencies.store.pool.invites.create(
                role: .manager, locationSlug: "main", createdBy: "playground", token: token, at: dependencies.clock.now
            )
            guard created != nil else { return DevBotAPIController.answer(409, ["error": "no main location"]) }
            return DevBotAPIController.answer(200, ["token": token, "link": "https://t.me/crema_staff_bot?start=\(token)"])
        }
    }
}
