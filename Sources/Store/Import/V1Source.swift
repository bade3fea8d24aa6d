import Domain
import Foundation
import Logging
import PostgresNIO

/// The original system's database, read and never written: every read of one import happens in
/// one read-only, repeatable-read transaction, so the tables agree with each other even while v1
/// is still serving guests.
public struct V1Source: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Runs `body` with a consistent snapshot of the v1 database.
    func read<Result: Sendable>(_ body: (V1Snapshot) async throws -> Result) async throws -> Result {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let result = try await body(V1Snapshot(connection: connection, logger: logger))
                try await connection.run("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.run("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}

/// The v1 tables as of one moment.
struct V1Snapshot {
    let connection: PostgresConnection
    let logger: Logger

    func users() async throws -> [V1.User] {
        let rows = try await connection.run(
            """
            SELECT id, telegram_id, phone, first_name, last_name, birth_date::text, loyalty_status::text, points,
                   gift_drinks, gift_sandwiches, is_active, role::text
            FROM public.users ORDER BY id
            """, logger: logger)
        var users: [V1.User] = []
        for try await row in rows {
            let (id, telegramID, phone, first, last, birth, status, points, drinks, sandwiches, active, role) = try row.decode(
                (Int64, String, String?, String?, String?, String?, String, Int, Int, Int, Bool?, String).self)
            users.append(
                V1.User(
                    id: id, telegramID: telegramID, phone: phone, firstName: first, lastName: last, birthDate: birth,
                    loyaltyStatus: status, points: points, giftDrinks: drinks, giftSandwiches: sandwiches, isActive: active, role: role))
        }
        return users
    }

    func baristas() async throws -> [V1.Barista] {
        let rows = try await connection.run(
            "SELECT id, telegram_id, first_name, last_name, is_admin, is_active FROM public.baristas ORDER BY id", logger: logger)
        var baristas: [V1.Barista] = []
        for try await (id, telegramID, first, last, admin, active) in rows.decode((Int64, String, String?, String?, Bool, Bool?).self) {
            baristas.append(V1.Barista(id: id, telegramID: telegramID, firstName: first, lastName: last, isAdmin: admin, isActive: active))
        }
        return baristas
    }

    /// Orders in id order, handed over `batchSize` at a time while the rows stream in.
    func forEachOrderBatch(size batchSize: Int, _ body: ([V1.Order]) async throws -> Void) async throws {
        let rows = try await connection.run(
            """
            SELECT id, user_id, barista_id, total_sum, use_points, used_points_amount, coalesce(date_created, 'epoch')
            FROM public.orders ORDER BY id
            """, logger: logger)
        var batch: [V1.Order] = []
        batch.reserveCapacity(batchSize)
        for try await (id, user, barista, total, usePoints, used, created) in rows.decode(
            (Int64, Int64?, Int64?, Int, Bool?, Int?, Date).self)
        {
            batch.append(
                V1.Order(
                    id: id, userID: user, baristaID: barista, totalSum: total, usePoints: usePoints, usedPointsAmount: used,
                    createdAt: created))
            if batch.count == batchSize {
                try await body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try await body(batch) }
    }

    func gifts() async throws -> [V1.Gift] {
        let rows = try await connection.run(
            "SELECT id, user_id, type, amount, coalesce(date_created, 'epoch'), is_written_off FROM public.gifts ORDER BY id",
            logger: logger)
        var gifts: [V1.Gift] = []
        for try await (id, user, type, amount, created, writtenOff) in rows.decode((Int64, Int64?, String, Int?, Date, Bool?).self) {
            gifts.append(V1.Gift(id: id, userID: user, type: type, amount: amount, createdAt: created, isWrittenOff: writtenOff))
        }
        return gifts
    }

    /// Reviews (`feedbacks`) and then ideas.
    func feedback() async throws -> [V1.Feedback] {
        var all: [V1.Feedback] = []
        let reviews = try await connection.run(
            "SELECT id, user_id, score, text, coalesce(created_at, 'epoch') FROM public.feedbacks ORDER BY id", logger: logger)
        for try await (id, user, score, text, created) in reviews.decode((Int64, Int64?, Int?, String?, Date).self) {
            all.append(V1.Feedback(kind: .feedback, id: id, userID: user, score: score, text: text, createdAt: created))
        }
        let ideas = try await connection.run(
            "SELECT id, user_id, text, coalesce(created_at, 'epoch') FROM public.ideas ORDER BY id", logger: logger)
        for try await (id, user, text, created) in ideas.decode((Int64, Int64?, String, Date).self) {
            all.append(V1.Feedback(kind: .idea, id: id, userID: user, text: text, createdAt: created))
        }
        return all
    }
}
