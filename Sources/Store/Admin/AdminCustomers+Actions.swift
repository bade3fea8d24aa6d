import Domain
import Foundation
import PostgresNIO

extension AdminCustomers {
    /// Blocks or unblocks a guest: a blocked guest earns and spends nothing and gets no broadcasts.
    /// Returns false when there is no such guest or nothing changed.
    public func setBlocked(_ blocked: Bool, customerID: Int64, by actor: Actor, reason: String, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH changed AS (
                    UPDATE customers SET blocked_at = CASE WHEN \(blocked) THEN \(now) END, updated_at = \(now)
                    WHERE id = \(customerID) AND anonymised_at IS NULL AND (blocked_at IS NOT NULL) <> \(blocked)
                    RETURNING id
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                SELECT \(now), \(actor.kind.rawValue), \(actor.id), \(blocked ? "customer.blocked" : "customer.unblocked"), 'customer',
                       id::text, jsonb_build_object('blocked', NOT \(blocked)), jsonb_build_object('blocked', \(blocked), 'reason', \(reason)::text)
                FROM changed
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    /// Erases the guest's personal data on request. Orders, the ledger and gifts stay, so the
    /// books still add up; the Telegram id and phone are freed for a new registration. What the
    /// guest wrote goes too: their reviews' and notes' text, the managers' alerts that quoted it,
    /// and the replies kept in the audit log.
    public func anonymise(customerID: Int64, by actor: Actor, reason: String, at now: Date) async throws -> Bool {
        try await database.withTransaction(logger: logger) { connection in
            let row = try await connection.run(
                """
                SELECT telegram_id, phone, first_name FROM customers WHERE id = \(customerID) AND anonymised_at IS NULL FOR UPDATE
                """,
                logger: logger
            ).collect().first
            guard let (telegramID, phone, firstName) = try row?.decode((Int64?, String?, String).self) else { return false }
            try await connection.run(
                """
                UPDATE customers SET telegram_id = NULL, phone = NULL, first_name = 'Anonymised', last_name = NULL, birth_date = NULL,
                    promo_opt_in = false, anonymised_at = \(now), updated_at = \(now)
                WHERE id = \(customerID)
                """,
                logger: logger
            )
            try await connection.run("DELETE FROM payment_codes WHERE customer_id = \(customerID)", logger: logger)
            if let telegramID {
                try await connection.run("DELETE FROM conversations WHERE bot = 'client' AND chat_id = \(telegramID)", logger: logger)
                try await connection.run(
                    "UPDATE outbox SET status = 'skipped', last_error = 'anonymised' WHERE customer_id = \(customerID) AND status = 'pending'",
                    logger: logger
                )
            }
            try await connection.run(
                """
                DELETE FROM outbox
                WHERE bot = 'staff' AND payload ? 'feedback_id'
                  AND (payload ->> 'feedback_id')::bigint IN (SELECT id FROM feedback WHERE customer_id = \(customerID))
                """,
                logger: logger
            )
            try await connection.run("SET LOCAL crema.erasure = 'on'", logger: logger)
            try await connection.run(
                """
                UPDATE audit_log SET after = after - 'reply' || jsonb_build_object('reply', '[erased]'),
                                     before = before - 'reply'
                WHERE subject_kind = 'feedback' AND after ? 'reply'
                  AND subject_id IN (SELECT id::text FROM feedback WHERE customer_id = \(customerID))
                """,
                logger: logger
            )
            try await connection.run("SET LOCAL crema.erasure = 'off'", logger: logger)
            try await connection.run(
                """
                UPDATE feedback SET body = CASE WHEN kind = 'review' THEN NULL ELSE '[erased]' END, updated_at = \(now)
                WHERE customer_id = \(customerID)
                """,
                logger: logger
            )
            // The audit keeps that it happened, not what was erased.
            try await connection.run(
                """
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                VALUES (\(now), \(actor.kind.rawValue), \(actor.id), 'customer.anonymised', 'customer', \(String(customerID)),
                        jsonb_build_object('had_telegram_id', \(telegramID != nil), 'had_phone', \(phone != nil), 'had_name', \(firstName != "")),
                        jsonb_build_object('reason', \(reason)::text))
                """,
                logger: logger
            )
            return true
        }
    }
}
