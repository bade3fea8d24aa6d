import Foundation
import Logging
import PostgresNIO

/// The record of processed Telegram updates, keyed by `(bot, update_id)`.
public struct UpdateLog: SessionStore {
    let session: SQLSession

    /// What a bot reads first on every update, fetched by the statement that records it: one
    /// round trip where there were four (`TransactionMemo` keeps the rows for the stores).
    public struct Prefetch: Sendable, Equatable {
        /// The chat whose conversation the update continues.
        public var chatID: Int64?
        /// The Telegram account to find a staff member for (the staff bot's door).
        public var staffTelegramID: Int64?
        /// The Telegram account to find a registered guest for (the client bot's first read).
        public var guestTelegramID: Int64?
        /// The owner's settings, which almost every step computes with.
        public var settings: Bool
        /// The campaigns running now, which a till's quote computes with.
        public var campaigns: Bool

        public init(
            chatID: Int64? = nil, staffTelegramID: Int64? = nil, guestTelegramID: Int64? = nil, settings: Bool = false,
            campaigns: Bool = false
        ) {
            self.chatID = chatID
            self.staffTelegramID = staffTelegramID
            self.guestTelegramID = guestTelegramID
            self.settings = settings
            self.campaigns = campaigns
        }

        public static let nothing = Prefetch()
    }

    /// Records the update, inside the caller's transaction (`tx.updates`). False when it was
    /// recorded before: a redelivery, or a concurrent duplicate whose transaction committed first
    /// (the insert waits for it, then finds the row). A fresh update's `prefetch` rows are read
    /// in the same statement and kept for the conversation and staff stores.
    public func record(
        bot: OutboxStore.Bot, updateID: Int64, kind: String, at now: Date, prefetching prefetch: Prefetch = .nothing
    ) async throws -> Bool {
        guard prefetch != .nothing else { return try await recordAlone(bot: bot, updateID: updateID, kind: kind, at: now) }
        let statement = RecordUpdate(
            bot: bot.rawValue, updateID: updateID, kind: String(kind.prefix(40)), now: now, chatID: prefetch.chatID,
            staffTelegramID: prefetch.staffTelegramID, guestTelegramID: prefetch.guestTelegramID, settings: prefetch.settings,
            campaigns: prefetch.campaigns)
        let rows = try await session.withConnection { connection in try await connection.collect(statement, logger: logger) }
        guard let row = rows.first else { return false }
        let (conversation, id, name, role, location, language, active, settingKeys, settingValues, campaigns) = try row.decode(
            (String?, Int64?, String?, String?, Int64?, String?, Bool?, [String]?, [String]?, String?).self)
        if prefetch.settings {
            session.memo?.settings = LoyaltySettings(keys: settingKeys ?? [], values: settingValues ?? [])
        }
        if prefetch.campaigns {
            session.memo?.runningCampaigns = campaigns
        }
        if let chatID = prefetch.chatID {
            session.memo?.remember(conversation: conversation, bot: bot, chatID: chatID)
        }
        if let telegramID = prefetch.staffTelegramID {
            var member: StaffMember?
            if let id, let name, let role, let location, let language, let active {
                member = StaffMember((id, name, role, location, language, active))
            }
            session.memo?.remember(staffMember: member, telegramID: telegramID)
        }
        if let telegramID = prefetch.guestTelegramID {
            let registered = try Columns(row)("phone", as: String?.self) != nil
            session.memo?.remember(guest: registered ? try Customer(row: row) : nil, telegramID: telegramID)
        }
        return true
    }

    /// The insert on its own, for an update that needs nothing read with it: the apology after a
    /// failed attempt, which must not trip over whatever the attempt tripped over.
    private func recordAlone(bot: OutboxStore.Bot, updateID: Int64, kind: String, at now: Date) async throws -> Bool {
        try await session.withConnection { connection in
            try await connection.run(
                """
                INSERT INTO telegram_updates (bot, update_id, kind, received_at)
                VALUES (\(bot.rawValue), \(updateID), \(String(kind.prefix(40))), \(now))
                ON CONFLICT DO NOTHING
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    /// Forgets updates older than Telegram's redelivery window; returns how many went.
    public func prune(olderThan cutoff: Date) async throws -> Int {
        try await session.withConnection { connection in
            try await connection.run(
                "DELETE FROM telegram_updates WHERE received_at < \(cutoff) RETURNING 1", logger: logger
            ).collect().count
        }
    }
}

/// Records an update and, for a fresh one, reads the chat's step, the staff member or the guest
/// writing (the guest's columns by name, as `Customer(row:)` reads them), the
/// settings (as two arrays of one aggregate, so the n-th key goes with the n-th value) and the
/// running campaigns (as `CampaignStore.runningSelect` gives them).
/// No row: the update was recorded before.
struct RecordUpdate: PlannedStatement {
    static let parameters = StatementParameters<RecordUpdate>([
        .init("bot", .text) { $0.bot },
        .init("update_id", .int8) { $0.updateID },
        .init("kind", .text) { $0.kind },
        .init("now", .timestamptz) { $0.now },
        .init("chat_id", .int8) { $0.chatID },
        .init("staff_telegram_id", .int8) { $0.staffTelegramID },
        .init("guest_telegram_id", .int8) { $0.guestTelegramID },
        .init("settings", .bool) { $0.settings },
        .init("campaigns", .bool) { $0.campaigns },
    ])

    static let sql = parameters.sql(
        """
        WITH recorded AS (
            INSERT INTO telegram_updates (bot, update_id, kind, received_at)
            VALUES (:bot, :update_id, :kind, :now)
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT data::text FROM conversations WHERE bot = :bot AND chat_id = :chat_id AND expires_at > :now),
               s.id AS staff_id, s.display_name, s.role, s.location_id, s.language AS staff_language, s.active,
               settings.setting_keys, settings.setting_values,
               CASE WHEN :campaigns THEN (\(CampaignStore.runningSelect)) END AS campaigns, guest.*
        FROM recorded
        LEFT JOIN staff s ON s.telegram_id = :staff_telegram_id
        LEFT JOIN LATERAL (
            SELECT \(LoyaltyStore.customerColumns) FROM customers WHERE telegram_id = :guest_telegram_id AND anonymised_at IS NULL
        ) AS guest ON true
        LEFT JOIN (
            SELECT array_agg(key) AS setting_keys, array_agg(value #>> '{}') AS setting_values
            FROM settings WHERE value #>> '{}' IS NOT NULL
        ) AS settings ON :settings
        """)

    var bot: String
    var updateID: Int64
    var kind: String
    var now: Date
    var chatID: Int64?
    var staffTelegramID: Int64?
    var guestTelegramID: Int64?
    var settings: Bool
    var campaigns: Bool
}
