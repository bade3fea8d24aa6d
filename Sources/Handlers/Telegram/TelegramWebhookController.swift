import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO
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
    let database: Database
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
            throw Problem(status: .unauthorized, code: "unauthorized", title: "Unauthorized",
                          detail: "The X-Telegram-Bot-Api-Secret-Token header is missing or wrong.")
        }
        let body = try await request.body.collect(upTo: Self.maximumBodySize)
        let update: TelegramUpdate
        do {
            update = try TelegramUpdate.decode(Data(body.readableBytesView))
        } catch {
            context.logger.warning("undecodable Telegram update acknowledged", metadata: [
                "bot": "\(route.bot.bot.rawValue)", "error": "\(error)", "bytes": "\(body.readableBytes)",
            ])
            return Self.acknowledged()
        }
        var logger = context.logger
        logger[metadataKey: "update_id"] = "\(update.updateID)"
        logger[metadataKey: "bot"] = "\(route.bot.bot.rawValue)"

        let reply: BotCall?
        do {
            reply = try await handleOnce(update, bot: route.bot, logger: logger)
        } catch where error.isConnectionFailure {
            throw error
        } catch {
            logger.error("Telegram update failed; rolled back and acknowledged", metadata: ["error": "\(String(reflecting: error))"])
            reply = try? await recordWithApology(update, bot: route.bot, logger: logger)
        }
        guard let reply else { return Self.acknowledged() }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: reply.webhookResponseBody))
        )
    }

    /// Records the update and applies it in one transaction. Returns the call to answer with, or
    /// nil for a duplicate or an update that needs no answer. Races on a unique key (two guests
    /// drawing the same code at once) retry the whole update.
    private func handleOnce(_ update: TelegramUpdate, bot: any TelegramBot, logger: Logger) async throws -> BotCall? {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await database.withTransaction(logger: logger) { connection in
                    let now = clock.now
                    guard try await UpdateLog.record(bot: bot.bot, updateID: update.updateID, kind: update.kind, at: now, on: connection, logger: logger) else {
                        logger.debug("duplicate Telegram update ignored")
                        return nil
                    }
                    let reply = try await bot.handle(update, in: UpdateTransaction(connection: connection, now: now, logger: logger))
                    return try await deliver(reply, bot: bot.bot, at: now, on: connection, logger: logger)
                }
            } catch let error as PSQLError where attempt < 3 && error.isRetryableRace {
                continue
            }
        }
    }

    /// After an unexpected failure: records the update so a redelivery stays quiet, and says sorry.
    private func recordWithApology(_ update: TelegramUpdate, bot: any TelegramBot, logger: Logger) async throws -> BotCall? {
        try await database.withTransaction(logger: logger) { connection in
            let now = clock.now
            guard try await UpdateLog.record(bot: bot.bot, updateID: update.updateID, kind: update.kind, at: now, on: connection, logger: logger) else {
                return nil
            }
            return try await deliver(bot.apology(for: update), bot: bot.bot, at: now, on: connection, logger: logger)
        }
    }

    private func deliver(_ reply: BotReply, bot: OutboxStore.Bot, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> BotCall? {
        for call in reply.calls.dropFirst() {
            try await OutboxStore.enqueue(
                bot: bot, chatID: call.chatID ?? 0, customerID: reply.customerID, method: call.method,
                payload: call.body, at: now, on: connection, logger: logger
            )
        }
        return reply.calls.first
    }

    static func acknowledged() -> Response {
        Response(status: .ok)
    }
}

extension PSQLError {
    /// A unique violation, serialization failure or deadlock: the same update tried again succeeds.
    var isRetryableRace: Bool {
        guard let state = serverInfo?[.sqlState] else { return false }
        return state == "23505" || state == "40001" || state == "40P01"
    }
}
