import Foundation
import Logging
import PostgresNIO

/// Where one chat stands in a multi-step flow, e.g. "waiting for a review text for order 42",
/// with everything the next step needs. Each bot has one such type.
public protocol ConversationState: Codable, Sendable, Equatable {
    /// A short name of the step, stored beside the state so a person reading the table sees it.
    var step: String { get }
}

/// Conversation rows, one per `(bot, chat_id)`, read and written inside the update's transaction.
/// The state is stored as JSON in `data`; a row that no longer decodes (written by an older
/// build) counts as no conversation, and the chat starts over from the menu.
public struct ConversationStore<State: ConversationState>: SessionStore {
    let bot: OutboxStore.Bot
    let session: SQLSession

    init(bot: OutboxStore.Bot, session: SQLSession) {
        self.bot = bot
        self.session = session
    }

    /// The chat's current step, or nil when there is none or it expired.
    public func current(chatID: Int64, at now: Date) async throws -> State? {
        let data: String?
        if let known = session.memo?.conversation(bot: bot, chatID: chatID) {
            data = known
        } else {
            data = try await session.withConnection { connection in
                try await connection.run(
                    "SELECT data::text FROM conversations WHERE bot = \(bot.rawValue) AND chat_id = \(chatID) AND expires_at > \(now)",
                    logger: logger
                ).collect().first?.decode(String.self)
            }
        }
        guard let data else { return nil }
        do {
            return try JSONDecoder().decode(State.self, from: Data(data.utf8))
        } catch {
            logger.warning("conversation state unreadable; starting over", metadata: ["chat_id": "\(chatID)", "error": "\(error)"])
            return nil
        }
    }

    public func set(_ state: State, chatID: Int64, at now: Date, lifetime: TimeInterval = 30 * 60) async throws {
        let data = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        let statement = SaveConversation(
            bot: bot.rawValue, chatID: chatID, step: state.step, data: data, expiresAt: now.addingTimeInterval(lifetime), now: now)
        try await session.withConnection { connection in
            _ = try await connection.collect(statement, logger: logger)
        }
        session.memo?.remember(conversation: data, bot: bot, chatID: chatID)
    }

    /// Ends the chat's step. When the update's first statement found the chat without one,
    /// there is nothing to delete (an expired row may stay; it reads as none until replaced).
    public func clear(chatID: Int64) async throws {
        if case .some(.none) = session.memo?.conversation(bot: bot, chatID: chatID) { return }
        try await session.withConnection { connection in
            try await connection.run(
                "DELETE FROM conversations WHERE bot = \(bot.rawValue) AND chat_id = \(chatID)", logger: logger
            )
        }
        session.memo?.remember(conversation: nil, bot: bot, chatID: chatID)
    }
}

/// Writes a chat's step, replacing the one before.
struct SaveConversation: PlannedStatement {
    static let parameters = StatementParameters<SaveConversation>([
        .init("bot", .text) { $0.bot },
        .init("chat_id", .int8) { $0.chatID },
        .init("step", .text) { $0.step },
        .init("data", .text) { $0.data },
        .init("expires_at", .timestamptz) { $0.expiresAt },
        .init("now", .timestamptz) { $0.now },
    ])

    static let sql = parameters.sql(
        """
        INSERT INTO conversations (bot, chat_id, state, data, expires_at, updated_at)
        VALUES (:bot, :chat_id, :step, :data::jsonb, :expires_at, :now)
        ON CONFLICT (bot, chat_id) DO UPDATE
            SET state = EXCLUDED.state, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
        """)

    var bot: String
    var chatID: Int64
    var step: String
    var data: String
    var expiresAt: Date
    var now: Date
}
