import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Runtime
import Store

/// `POST /telegram/client` and `POST /telegram/staff`: checks the bot's secret header, records
/// the update and handles it in one transaction, and answers 200 whatever the update holds, so
/// Telegram never redelivers a poison update for a day. The only 5xx is "database unavailable",
/// which Telegram should retry.
struct TelegramWebhookController {
    struct Route {
        let path: String
        let secret: String
        let bot: any TelegramBot
    }

    let routes: [Route]
    let store: Store
    let clock: AppClock

    static let secretHeader = HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!
    /// Telegram's updates are a few kilobytes; anything near this is not one.
    static let maximumBodySize = 1 << 20

    func addRoutes(to router: Router<AppRequestContext>) {
        for route in routes {
            router.post(RouterPath(route.path)) { request, context in
                try await receive(request, context: context, route: route)
            }
        }
    }

    func receive(_ request: Request, context: AppRequestContext, route: Route) async throws -> Response {
        guard let given = request.headers[Self.secretHeader], ConstantTime.equals(given, route.secret) else {
            throw Problem(
                status: .unauthorized, code: "unauthorized", title: "Unauthorized",
                detail: "The X-Telegram-Bot-Api-Secret-Token header is missing or wrong.")
        }
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        guard let reply = try await process(body, route: route, context: context) else { return Self.acknowledged() }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: reply.webhookResponseBody))
        )
    }

    /// An update's body, handled once: the call to answer the webhook with, or nil.
    func process(_ body: ByteBuffer, route: Route, context: AppRequestContext) async throws -> BotCall? {
        let update: TelegramUpdate
        do {
            update = try TelegramUpdate.decode(Data(body.readableBytesView))
        } catch {
            context.logger.warning(
                "undecodable Telegram update acknowledged",
                metadata: [
                    "bot": "\(route.bot.bot.rawValue)", "error": "\(error)", "bytes": "\(body.readableBytes)",
                ])
            return nil
        }
        var logger = context.logger
        logger[metadataKey: "update_id"] = "\(update.updateID)"
        logger[metadataKey: "bot"] = "\(route.bot.bot.rawValue)"

        let reply: BotCall?
        do {
            reply = try await handleOnce(update, bot: route.bot, logger: logger)
        } catch  where error.isConnectionFailure {
            throw error
        } catch {
            logger.error("Telegram update failed; rolled back and acknowledged", metadata: ["error": "\(LoggedError.describe(error))"])
            reply = try? await recordWithApology(update, bot: route.bot, logger: logger)
        }
        return reply
    }

    /// Records the update and applies it in one transaction. Returns the call to answer with, or
    /// nil for a duplicate or an update that needs no answer. Races on a unique key (two guests
    /// drawing the same code at once, two taps of one Confirm) run the whole update again.
    private func handleOnce(_ update: TelegramUpdate, bot: any TelegramBot, logger: Logger) async throws -> BotCall? {
        try await store.transaction(logger: logger, retryingRaces: 3) { tx in
            let now = clock.now
            guard
                try await tx.updates.record(
                    bot: bot.bot, updateID: update.updateID, kind: update.kind, at: now, prefetching: bot.prefetch(for: update))
            else {
                logger.debug("duplicate Telegram update ignored")
                return nil
            }
            let reply = try await bot.handle(update, in: UpdateTransaction(tx: tx, now: now, logger: logger))
            return try await deliver(reply, bot: bot.bot, at: now, in: tx)
        }
    }

    /// After an unexpected failure: records the update so a redelivery stays quiet, and says sorry.
    private func recordWithApology(_ update: TelegramUpdate, bot: any TelegramBot, logger: Logger) async throws -> BotCall? {
        try await store.transaction(logger: logger) { tx in
            let now = clock.now
            guard try await tx.updates.record(bot: bot.bot, updateID: update.updateID, kind: update.kind, at: now) else {
                return nil
            }
            return try await deliver(bot.apology(for: update), bot: bot.bot, at: now, in: tx)
        }
    }

    /// Telegram takes one method in the webhook's answer, so the first call (a callback's answer,
    /// which stops the spinner) goes back there and the rest wait in the outbox.
    private func deliver(_ reply: BotReply, bot: OutboxStore.Bot, at now: Date, in tx: StoreTransaction) async throws -> BotCall? {
        for call in reply.calls.dropFirst() {
            try await tx.outbox.enqueue(
                bot: bot, chatID: call.chatID ?? 0, customerID: reply.customerID, method: call.method, payload: call.body, at: now
            )
        }
        return reply.calls.first
    }

    static func acknowledged() -> Response {
        Response(status: .ok)
    }
}
