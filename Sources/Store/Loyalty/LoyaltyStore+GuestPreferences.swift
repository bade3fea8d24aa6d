import Domain
import Foundation
import PostgresNIO

/// What guests change about themselves from the client bot, usually inside the update's transaction.
extension LoyaltyStore {
    public func setLanguage(_ language: Language, customerID: Int64, at now: Date) async throws {
        try await session.withConnection { connection in
            try await connection.run(
                "UPDATE customers SET language = \(language.rawValue), updated_at = \(now) WHERE id = \(customerID)", logger: logger
            )
        }
    }

    public func setPromoOptIn(_ optIn: Bool, customerID: Int64, at now: Date) async throws {
        try await session.withConnection { connection in
            try await connection.run(
                "UPDATE customers SET promo_opt_in = \(optIn), updated_at = \(now) WHERE id = \(customerID)", logger: logger
            )
        }
    }

    /// The guest blocked the bot (or Telegram answered 403): until they write to the bot again,
    /// the sender skips every message for them, receipts included (`OutboxStore.claimDue` marks
    /// them skipped; they are not sent later), as the product says: Telegram would refuse them.
    public func markUnreachable(telegramID: Int64, at now: Date) async throws {
        try await session.withConnection { connection in
            try await connection.run(
                "UPDATE customers SET unreachable_at = \(now) WHERE telegram_id = \(telegramID) AND unreachable_at IS NULL", logger: logger
            )
        }
    }

    /// The guest wrote to the bot or unblocked it: messages reach them again.
    public func markReachable(telegramID: Int64) async throws {
        try await session.withConnection { connection in
            try await connection.run(
                "UPDATE customers SET unreachable_at = NULL WHERE telegram_id = \(telegramID) AND unreachable_at IS NOT NULL",
                logger: logger
            )
        }
    }
}
