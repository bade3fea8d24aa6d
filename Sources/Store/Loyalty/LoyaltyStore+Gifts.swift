import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    public func giftCatalog() async throws -> [GiftCatalogItem] {
        try await session.withConnection { connection in
            var items: [GiftCatalogItem] = []
            let rows = try await connection.run(
                "SELECT id, slug, name, name_en, valid_days, active FROM gift_catalog ORDER BY id", logger: logger)
            for try await (id, slug, name, englishName, validDays, active) in rows.decode((Int64, String, String, String, Int, Bool).self) {
                items.append(
                    GiftCatalogItem(
                        id: id, slug: slug, name: LocalizedName(russian: name, english: englishName), validDays: validDays, active: active))
            }
            return items
        }
    }

    /// Gives a guest a gift from the catalog, valid for the item's number of days; the guest is told.
    public func issueGift(
        customerID: Int64, catalogID: Int64, reason: String, by actor: Actor, at now: Date
    ) async throws -> CustomerGift {
        try await session.withConnection { connection in
            let reason = String(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
            let item = try await connection.run(
                "SELECT name, name_en, valid_days FROM gift_catalog WHERE id = \(catalogID) AND active", logger: logger
            ).collect().first?.decode((String, String, Int).self)
            guard let (itemName, itemEnglishName, validDays) = item else {
                if let refusal = try await refusalForCustomer(customerID, on: connection) { throw refusal }
                throw LoyaltyError.giftNotFound
            }
            let expiresAt = now.addingTimeInterval(TimeInterval(validDays) * 24 * 3600)
            let notice = String(
                decoding: try Notice.giftIssued(
                    .init(name: LocalizedName(russian: itemName, english: itemEnglishName), expiresAt: expiresAt)
                ).encoded(), as: UTF8.self)
            let row = try await connection.run(
                """
                WITH guest AS (
                    SELECT id, telegram_id, language FROM customers
                    WHERE id = \(customerID) AND anonymised_at IS NULL AND blocked_at IS NULL
                ), gift AS (
                    INSERT INTO customer_gifts (customer_id, catalog_id, name, name_en, reason, actor_kind, actor_id, issued_at, expires_at)
                    SELECT guest.id, \(catalogID), \(itemName), \(itemEnglishName), \(reason.isEmpty ? "gift" : reason), \(actor.kind.rawValue), \(actor.id),
                           \(now), \(expiresAt)
                    FROM guest
                    RETURNING id, name, name_en, reason, expires_at
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'gift.issued', 'customer', \(String(customerID)),
                           jsonb_build_object('gift_id', gift.id, 'name', gift.name, 'reason', gift.reason)
                    FROM gift
                ), notice AS (
                    INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
                    SELECT 'client', guest.telegram_id, guest.id, 'transactional', \(notice)::jsonb, guest.language, \(now), \(now)
                    FROM gift, guest WHERE guest.telegram_id IS NOT NULL
                )
                SELECT id, name, name_en, reason, expires_at FROM gift
                """,
                logger: logger
            ).collect().first?.decode((Int64, String, String, String, Date).self)
            guard let (id, name, englishName, storedReason, storedExpiry) = row else {
                throw try await refusalForCustomer(customerID, on: connection) ?? LoyaltyError.customerNotFound
            }
            return CustomerGift(
                id: id, customerID: customerID, name: LocalizedName(russian: name, english: englishName), reason: storedReason,
                issuedAt: now.roundedToMicroseconds,
                expiresAt: storedExpiry, redeemedAt: nil
            )
        }
    }

    /// Writes a gift off on its own (not at a sale): at most once, never when expired.
    public func redeemGift(giftID: Int64, by actor: Actor, at now: Date) async throws -> CustomerGift {
        do {
            return try await session.withTransaction { connection in
                try await redeemGift(giftID: giftID, by: actor, at: now, on: connection)
            }
        } catch let error as PSQLError where error.violates("gift_redemptions_pkey") {
            throw LoyaltyError.giftAlreadyRedeemed
        }
    }

    /// A concurrent redemption of the same gift waits on its row lock; should both pass the
    /// check, the loser fails on the redemption's primary key.
    private func redeemGift(giftID: Int64, by actor: Actor, at now: Date, on connection: PostgresConnection) async throws -> CustomerGift {
        let row = try await connection.run(
            """
            SELECT g.customer_id, g.name, g.name_en, g.reason, g.issued_at, g.expires_at, r.gift_id IS NOT NULL
            FROM customer_gifts g LEFT JOIN gift_redemptions r ON r.gift_id = g.id
            WHERE g.id = \(giftID)
            FOR UPDATE OF g
            """,
            logger: logger
        ).collect().first?.decode((Int64, String, String, String, Date, Date, Bool).self)
        guard let (customerID, name, englishName, reason, issuedAt, expiresAt, redeemed) = row else { throw LoyaltyError.giftNotFound }
        try GiftUse.check(redeemed: redeemed, expiresAt: expiresAt, now: now)
        try await connection.run(
            """
            WITH redemption AS (
                INSERT INTO gift_redemptions (gift_id, actor_kind, actor_id, redeemed_at)
                VALUES (\(giftID), \(actor.kind.rawValue), \(actor.id), \(now))
            )
            INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
            VALUES (\(now), \(actor.kind.rawValue), \(actor.id), 'gift.redeemed', 'customer', \(String(customerID)),
                    jsonb_build_object('gift_id', \(giftID)))
            """,
            logger: logger
        )
        return CustomerGift(
            id: giftID, customerID: customerID, name: LocalizedName(russian: name, english: englishName), reason: reason,
            issuedAt: issuedAt, expiresAt: expiresAt, redeemedAt: now.roundedToMicroseconds
        )
    }

    /// The guest a gift belongs to and who gave it; nil when there is no such gift.
    public func giftOwner(giftID: Int64) async throws -> (customerID: Int64, givenBy: Actor)? {
        try await session.withConnection { connection in
            guard
                let (customerID, kind, id) = try await connection.run(
                    "SELECT customer_id, actor_kind, coalesce(actor_id, '') FROM customer_gifts WHERE id = \(giftID)", logger: logger
                ).collect().first?.decode((Int64, String, String).self)
            else { return nil }
            return (customerID, Actor(kind: Actor.Kind(rawValue: kind) ?? .system, id: id))
        }
    }
}
