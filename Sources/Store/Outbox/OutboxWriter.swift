import Foundation
import Logging
import PostgresNIO

/// Queues Bot API calls and notifications, inside the caller's transaction (`tx.outbox`), so a
/// message exists exactly when the change that caused it does.
public struct OutboxWriter: Sendable {
    let session: SQLSession

    var logger: Logger { session.logger }

    init(session: SQLSession) {
        self.session = session
    }

    /// Queues one Bot API call. `payload` is the call's JSON body (`chat_id` is added at send time).
    public func enqueue(
        bot: OutboxStore.Bot, chatID: Int64, customerID: Int64?, kind: OutboxStore.Kind = .transactional,
        method: String = "sendMessage", payload: Data, at now: Date
    ) async throws {
        try await session.withConnection { connection in
            try await OutboxStore.enqueue(
                bot: bot, chatID: chatID, customerID: customerID, kind: kind, method: method, payload: payload, at: now,
                on: connection, logger: logger
            )
        }
    }
}
