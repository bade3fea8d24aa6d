import Domain
import Foundation
import Logging
import PostgresNIO

/// Who a broadcast goes to. Promotional broadcasts skip guests who opted out; nobody
/// unreachable, blocked or anonymised is counted or queued.
public enum BroadcastAudience: Sendable, Equatable {
    case everyone
    case tier(Tier)
    /// Guests with an order in the last `days` days.
    case active(days: Int)
    /// Guests whose birthday falls in the current month of the café's time zone.
    case birthdaysIn(month: Int)

    /// The audience as nullable filter values, so one SQL text serves every kind.
    func filterValues(at now: Date) -> (tier: String?, since: Date?, month: Int?) {
        switch self {
        case .everyone: return (nil, nil, nil)
        case .tier(let tier): return (tier.rawValue, nil, nil)
        case .active(let days): return (nil, now.addingTimeInterval(-Double(days) * 86_400), nil)
        case .birthdaysIn(let month): return (nil, nil, month)
        }
    }

    var kind: String {
        switch self {
        case .everyone: return "everyone"
        case .tier: return "tier"
        case .active: return "active"
        case .birthdaysIn: return "birthdays"
        }
    }
}

public struct BroadcastProgress: Sendable, Equatable {
    public var broadcastID: Int64
    public var recipients: Int
    public var sent: Int
    /// Given up on or skipped (the guest blocked the bot).
    public var failed: Int
    public var pending: Int
    public var progressChatID: Int64?
    public var progressMessageID: Int64?
    public var creatorLanguage: Language

    public var isDone: Bool { pending == 0 }

    public init(
        broadcastID: Int64, recipients: Int, sent: Int, failed: Int, pending: Int,
        progressChatID: Int64?, progressMessageID: Int64?, creatorLanguage: Language
    ) {
        self.broadcastID = broadcastID
        self.recipients = recipients
        self.sent = sent
        self.failed = failed
        self.pending = pending
        self.progressChatID = progressChatID
        self.progressMessageID = progressMessageID
        self.creatorLanguage = creatorLanguage
    }
}

public struct BroadcastStore: SessionStore {
    let session: SQLSession

    /// How many guests the audience reaches right now.
    public func audienceSize(_ audience: BroadcastAudience, at now: Date) async throws -> Int {
        try await session.withConnection { connection in
            let (tier, since, month) = audience.filterValues(at: now)
            return try await connection.run(
                """
                SELECT count(*)::int FROM customers c
                WHERE c.telegram_id IS NOT NULL AND c.anonymised_at IS NULL AND c.blocked_at IS NULL
                  AND c.unreachable_at IS NULL AND c.promo_opt_in
                  AND (\(tier)::text IS NULL OR c.tier = \(tier))
                  AND (\(since)::timestamptz IS NULL OR EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.created_at >= \(since)))
                  AND (\(month)::int IS NULL OR extract(month FROM c.birth_date)::int = \(month))
                """,
                logger: logger
            ).collect().first?.decode(Int.self) ?? 0
        }
    }

    /// Records the broadcast and queues one promotional message per guest in one statement.
    public func queue(
        _ audience: BroadcastAudience, text: String, by actor: Actor, progressChatID: Int64?, progressMessageID: Int64?,
        at now: Date
    ) async throws -> (broadcastID: Int64, recipients: Int) {
        try await session.withTransaction { connection in
            var days: Int?
            if case .active(let value) = audience { days = value }
            let (tier, since, month) = audience.filterValues(at: now)
            let body = String(text.prefix(4000))
            let row = try await connection.run(
                """
                WITH broadcast AS (
                    INSERT INTO broadcasts (audience, audience_tier, audience_days, body, created_by_kind, created_by_id, created_at,
                                            recipients, progress_chat_id, progress_message_id)
                    VALUES (\(audience.kind), \(tier), \(days), \(body), \(actor.kind == .admin ? "admin" : "staff"), \(actor.id), \(now),
                            0, \(progressChatID), \(progressMessageID))
                    RETURNING id
                ), queued AS (
                    INSERT INTO outbox (bot, chat_id, customer_id, kind, method, payload, next_attempt_at, created_at, broadcast_id)
                    SELECT 'client', c.telegram_id, c.id, 'promotional', 'sendMessage', jsonb_build_object('text', \(body)::text),
                           \(now), \(now), broadcast.id
                    FROM customers c, broadcast
                    WHERE c.telegram_id IS NOT NULL AND c.anonymised_at IS NULL AND c.blocked_at IS NULL
                      AND c.unreachable_at IS NULL AND c.promo_opt_in
                      AND (\(tier)::text IS NULL OR c.tier = \(tier))
                      AND (\(since)::timestamptz IS NULL OR EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.created_at >= \(since)))
                      AND (\(month)::int IS NULL OR extract(month FROM c.birth_date)::int = \(month))
                    RETURNING 1
                )
                SELECT broadcast.id, (SELECT count(*)::int FROM queued) FROM broadcast
                """,
                logger: logger
            ).collect().first?.decode((Int64, Int).self)
            guard let (id, recipients) = row else { return (0, 0) }
            try await connection.run(
                """
                WITH counted AS (UPDATE broadcasts SET recipients = \(recipients), finished_at = CASE WHEN \(recipients) = 0 THEN \(now) END WHERE id = \(id))
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                VALUES (\(now), \(actor.kind.rawValue), \(actor.id), 'broadcast.queued', 'broadcast', \(String(id)),
                        jsonb_build_object('audience', \(audience.kind), 'recipients', \(recipients)))
                """,
                logger: logger
            )
            return (id, recipients)
        }
    }

    /// Unfinished broadcasts whose counts moved since the last report.
    public func progressToReport() async throws -> [BroadcastProgress] {
        try await session.withConnection { connection in
            let rows = try await connection.run(
                """
                SELECT b.id, b.recipients,
                       count(*) FILTER (WHERE o.status = 'sent')::int AS sent,
                       count(*) FILTER (WHERE o.status IN ('failed', 'skipped'))::int AS failed,
                       count(*) FILTER (WHERE o.status = 'pending')::int AS pending,
                       b.progress_chat_id, b.progress_message_id,
                       coalesce((SELECT language FROM staff s WHERE b.created_by_kind = 'staff' AND s.id::text = b.created_by_id), 'ru')
                           AS creator_language,
                       b.reported_sent, b.reported_failed
                FROM broadcasts b LEFT JOIN outbox o ON o.broadcast_id = b.id
                WHERE b.finished_at IS NULL
                GROUP BY b.id
                """,
                logger: logger
            )
            var result: [BroadcastProgress] = []
            for try await row in rows {
                let column = Columns(row)
                let progress = BroadcastProgress(
                    broadcastID: try column("id"), recipients: try column("recipients"), sent: try column("sent"),
                    failed: try column("failed"), pending: try column("pending"), progressChatID: try column("progress_chat_id"),
                    progressMessageID: try column("progress_message_id"),
                    creatorLanguage: Language(rawValue: try column("creator_language")) ?? .ru
                )
                let reportedSent: Int = try column("reported_sent")
                let reportedFailed: Int = try column("reported_failed")
                if progress.isDone || progress.sent != reportedSent || progress.failed != reportedFailed { result.append(progress) }
            }
            return result
        }
    }

    /// Stores what was reported (and that the broadcast finished), queuing the edit of the
    /// progress message in the same transaction. A finished broadcast that could not reach
    /// everyone alerts the managers.
    public func recordReport(_ progress: BroadcastProgress, edit: Data?, at now: Date) async throws {
        try await session.withTransaction { connection in
            // Only the report that finds the broadcast unfinished counts: when two instances
            // report at once, the second waits for the first's row lock, then finds it finished
            // and queues neither the edit nor the alert again.
            let recorded =
                try await connection.run(
                    """
                    UPDATE broadcasts SET reported_sent = \(progress.sent), reported_failed = \(progress.failed),
                           finished_at = CASE WHEN \(progress.isDone) THEN \(now) END
                    WHERE id = \(progress.broadcastID) AND finished_at IS NULL
                    RETURNING 1
                    """,
                    logger: logger
                ).collect().count == 1
            guard recorded else { return }
            let outbox = OutboxWriter(session: .transaction(connection, logger: logger))
            if let edit, let chatID = progress.progressChatID {
                try await outbox.enqueue(bot: .staff, chatID: chatID, customerID: nil, method: "editMessageText", payload: edit, at: now)
            }
            if progress.isDone, progress.failed > 0 {
                let failure = Notice.BroadcastFailure(
                    broadcastID: progress.broadcastID, failed: progress.failed, recipients: progress.recipients
                )
                try await outbox.enqueueForManagers(.broadcastFailed(failure), at: now)
            }
        }
    }
}
