import Foundation
import Hummingbird
import Logging
import Runtime
import Store

/// `/dev/playground`: both bots in the browser, through the real webhooks. Only in dev, and only
/// to loopback clients (`LoopbackOnlyMiddleware`). The page never holds a secret: it hands each
/// update to `deliver`, which posts it to the bot's webhook in-process with the secret and plays
/// the webhook's answer into the stand-in Bot API, as Telegram would.
struct DevPlaygroundController {
    let configuration: AppConfiguration
    let dependencies: AppDependencies
    let webhooks: TelegramWebhookController

    func addRoutes(to router: Router<AppRequestContext>) throws {
        let calls = DevBotCalls(database: dependencies.database, logger: dependencies.logger)
        DevBotAPIController(telegram: configuration.telegram, calls: calls, clock: dependencies.clock).addRoutes(to: router)
        try DevMiniAppController(telegram: configuration.telegram, clock: dependencies.clock).addRoutes(to: router)

        try BundledFiles(
            folder: "playground", path: "dev/playground", index: "playground.html",
            files: [("playground.html", "text/html; charset=utf-8"), ("playground.css", "text/css"), ("playground.js", "text/javascript")],
            headers: [.cacheControl: "no-cache", .contentSecurityPolicy: "default-src 'self'"]
        ).addRoutes(to: router)

        // What the page shows about the bots: their names, never a token or a secret.
        router.get("dev/playground/config") { _, _ in
            DevBotAPIController.answer(200, ["client": ["username": "crema_client_bot"], "staff": ["username": "crema_staff_bot"]])
        }
        router.post("dev/playground/deliver/:bot") { request, context in
            try await deliver(request, context: context, calls: calls)
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

    /// Posts the page's update to the bot's webhook with its secret and records the one call the
    /// webhook may answer with, as Telegram executes it. Answers the webhook's status.
    private func deliver(_ request: Request, context: AppRequestContext, calls: DevBotCalls) async throws -> Response {
        let name = context.parameters.get("bot") ?? ""
        guard let route = webhooks.routes.first(where: { $0.path == "/telegram/\(name)" }) else {
            return DevBotAPIController.answer(404, ["error": "no bot \(name)"])
        }
        let body = try await request.body.collect(upTo: TelegramWebhookController.maximumBodySize)
        if let reply = try await webhooks.process(body, route: route, context: context) {
            let call = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
            _ = try await calls.record(
                bot: route.bot.bot, method: reply.method, chatID: (call["chat_id"] as? NSNumber)?.int64Value,
                messageID: (call["message_id"] as? NSNumber)?.int64Value, payload: reply.body, at: dependencies.clock.now)
        }
        return DevBotAPIController.answer(200, ["ok": true])
    }
}

/// Dev routes answer loopback clients only, so a dev server reachable from a network still
/// shows nothing to it. An in-process request (tests) has no peer address and passes.
struct LoopbackOnlyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/dev/"), let client = context.clientAddress, !Self.isLoopback(client) else {
            return try await next(request, context)
        }
        throw Problem(status: .notFound, code: "not_found", title: "Not found", detail: "Nothing is served here.")
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
