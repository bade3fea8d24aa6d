import Domain
import Foundation
import Logging
import PostgresNIO

/// A believable last month of a café for a local run, so the dashboard, the lists and the charts
/// show something: guests who joined over the weeks, sales through the day and the week (busier
/// mornings, lunches and weekends), points spent, a cancelled sale, gifts given and used, reviews
/// and a broadcast.
///
/// Every sale, cancellation and gift goes through the loyalty engine, so the ledger is as real
/// as one the tills would write (`crema check-ledger` finds it clean). The month is written once:
/// a database that already has orders is left alone. The same seed gives the same month.
public struct DemoMonth: Sendable {
    public struct Summary: Sendable, Equatable {
        public var guests = 0
        public var orders = 0
        public var cancellations = 0
        public var gifts = 0
        public var reviews = 0
    }

    static let days = 30

    static let guests: [(first: String, last: String?, language: String)] = [
        ("Екатерина", "Соколова", "ru"), ("Иван", "Попов", "ru"), ("Наталья", nil, "ru"), ("Михаил", "Лебедев", "ru"),
        ("Татьяна", "Новикова", "ru"), ("Андрей", "Морозов", "ru"), ("Юлия", nil, "ru"), ("Павел", "Волков", "ru"),
        ("Светлана", "Зайцева", "ru"), ("Николай", "Павлов", "ru"), ("Ксения", "Семёнова", "ru"), ("Артём", nil, "ru"),
        ("Виктория", "Голубева", "ru"), ("Роман", "Виноградов", "ru"), ("Дарья", "Богданова", "ru"), ("Sophie", "Martin", "en"),
        ("Егор", "Фёдоров", "ru"), ("Полина", nil, "ru"), ("Константин", "Михайлов", "ru"), ("Алина", "Белова", "ru"),
    ]

    /// How likely a sale falls in each opening hour, 8:00 to 20:59: a morning rush, a lunch
    /// peak and a quieter evening.
    static let hourWeights: [(hour: Int, weight: Double)] = [
        (8, 10), (9, 13), (10, 8), (11, 6), (12, 10), (13, 12), (14, 7), (15, 6), (16, 6), (17, 8), (18, 7), (19, 4), (20, 3),
    ]

    let seed: UInt64

    public init(seed: UInt64 = 20_261_201) {
        self.seed = seed
    }

    /// Writes the month ending at `now`; nil when the database already has orders.
    public func run(on database: Database, logger: Logger, at now: Date) async throws -> Summary? {
        var random = SplitMix64(seed: seed)
        let store = Store(database: database, logger: logger, drawCode: { PaymentCode(number: UInt64.random(in: 0...999_999)) })
        let loyalty = store.pool.loyalty
        let hasOrders = try await database.withConnection(logger: logger) { connection in
            try await connection.run("SELECT EXISTS (SELECT 1 FROM orders)", logger: logger).collect().first?.decode(Bool.self) ?? true
        }
        guard !hasOrders else { return nil }

        var summary = Summary()
        let settings = try await store.pool.settings()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: settings.timeZone) ?? .gmt
        let start = calendar.startOfDay(for: now.addingTimeInterval(-Double(Self.days) * 86_400))

        let guestIDs = try await addGuests(
            on: database, logger: logger, joinedAfter: start, before: now, random: &random, summary: &summary)
        let (barista, manager, locationID) = try await demoStaff(on: database, logger: logger)

        // The month's sales, oldest first, so that balances, tiers and points grow as they would.
        var saleTimes: [Date] = []
        for day in 0..<Self.days {
            guard let date = calendar.date(byAdding: .day, value: day, to: start) else { continue }
            let weekend = calendar.isDateInWeekend(date)
            let count = (weekend ? 19 : 13) + Int(random.next() % 6)
            for _ in 0..<count {
                let hour = Self.hour(random.unit())
                let offset = TimeInterval(hour * 3600 + Int(random.next() % 3600))
                let time = date.addingTimeInterval(offset)
                if time < now { saleTimes.append(time) }
            }
        }
        saleTimes.sort()
        var sold: [(orderID: Int64, customerID: Int64, at: Date)] = []
        for (number, time) in saleTimes.enumerated() {
            // A few regulars come often, most guests now and then.
            let customerID = guestIDs[min(guestIDs.count - 1, Int(pow(random.unit(), 2) * Double(guestIDs.count)))]
            let amount = Money.rubles(Int64(180 + Int(random.next() % 78) * 10))
            let redeem: RedeemRequest = random.unit() < 0.18 ? .maximum : .none
            let actor = random.unit() < 0.7 ? barista : manager
            let request = SaleRequest(idempotencyKey: "demo-month-\(number)", guest: .customer(customerID), amount: amount, redeem: redeem)
            let sale: ConfirmedSale
            do {
                sale = try await loyalty.confirmSale(request, by: actor, locationID: locationID, at: time)
            } catch LoyaltyError.insufficientPoints, LoyaltyError.redeemAboveCap {
                sale = try await loyalty.confirmSale(
                    SaleRequest(idempotencyKey: "demo-month-\(number)-cash", guest: .customer(customerID), amount: amount, redeem: .none),
                    by: actor, locationID: locationID, at: time)
            }
            sold.append((sale.orderID, customerID, time))
        }
        summary.orders = sold.count

        // A sale rung up twice, cancelled by the manager a few minutes later.
        if let twice = sold.dropLast(sold.count / 6).last {
            _ = try await loyalty.cancelSale(
                orderID: twice.orderID, by: manager, reason: "Пробили дважды", at: twice.at.addingTimeInterval(240))
            summary.cancellations = 1
        }

        try await giveGifts(sold, loyalty: loyalty, manager: manager, barista: barista, random: &random, summary: &summary)
        try await leaveReviews(sold, store: store, threshold: settings.reviewAlertThreshold, random: &random, summary: &summary)
        try await finish(on: database, logger: logger, from: start, at: now, guests: guestIDs, random: &random)
        return summary
    }

    static func hour(_ draw: Double) -> Int {
        let total = hourWeights.reduce(0) { $0 + $1.weight }
        var left = draw * total
        for (hour, weight) in hourWeights {
            if left < weight { return hour }
            left -= weight
        }
        return hourWeights.last?.hour ?? 12
    }

    /// The demo guests (the basic seed's and the month's own), joined over the month.
    private func addGuests(
        on database: Database, logger: Logger, joinedAfter start: Date, before now: Date, random: inout SplitMix64,
        summary: inout Summary
    ) async throws -> [Int64] {
        let span = now.timeIntervalSince(start)
        var joined: [Date] = []
        for _ in Self.guests { joined.append(start.addingTimeInterval(random.unit() * span * 0.8)) }
        return try await database.withTransaction(logger: logger) { connection in
            for (index, guest) in Self.guests.enumerated() {
                let phone = "+7901000\(String(format: "%04d", index + 1))"
                let added = try await connection.run(
                    """
                    INSERT INTO customers (telegram_id, phone, first_name, last_name, language, created_at, updated_at)
                    VALUES (\(Int64(100_000_100 + index)), \(phone), \(guest.first), \(guest.last), \(guest.language),
                            \(joined[index]), \(joined[index]))
                    ON CONFLICT DO NOTHING RETURNING id
                    """,
                    logger: logger
                ).collect().count
                summary.guests += added
            }
            // The basic seed's guests are the café's regulars from before the month.
            try await connection.run(
                """
                UPDATE customers SET created_at = \(start) - interval '60 days'
                WHERE telegram_id BETWEEN 100000001 AND 100000099 AND created_at > \(start)
                """,
                logger: logger
            )
            var ids: [Int64] = []
            let rows = try await connection.run(
                "SELECT id FROM customers WHERE telegram_id BETWEEN 100000001 AND 100000199 ORDER BY telegram_id", logger: logger)
            for try await id in rows.decode(Int64.self) { ids.append(id) }
            return ids
        }
    }

    private func demoStaff(on database: Database, logger: Logger) async throws -> (barista: Actor, manager: Actor, locationID: Int64) {
        try await database.withConnection(logger: logger) { connection in
            var found: [String: (Int64, Int64)] = [:]
            let rows = try await connection.run(
                "SELECT role, id, location_id FROM staff WHERE display_name IN ('Demo barista', 'Demo manager')", logger: logger)
            for try await (role, id, location) in rows.decode((String, Int64, Int64).self) { found[role] = (id, location) }
            guard let (baristaID, location) = found["barista"], let (managerID, _) = found["manager"] else {
                throw DemoSeedError.missingStaff
            }
            return (
                .staff(id: baristaID, role: .barista, locationID: location), .staff(id: managerID, role: .manager, locationID: location),
                location
            )
        }
    }

    /// A handful of gifts from the manager, some used at the till since.
    private func giveGifts(
        _ sold: [(orderID: Int64, customerID: Int64, at: Date)], loyalty: LoyaltyStore, manager: Actor, barista: Actor,
        random: inout SplitMix64, summary: inout Summary
    ) async throws {
        let catalog = try await loyalty.giftCatalog().filter(\.active)
        guard !catalog.isEmpty, sold.count > 10 else { return }
        let reasons = ["За долгое ожидание", "Постоянный гость", "За отзыв", "Извинения за ошибку в заказе", "Десятый визит"]
        for (index, reason) in reasons.enumerated() {
            let sale = sold[Int(random.next() % UInt64(sold.count - 5))]
            let item = catalog[index % catalog.count]
            let given = sale.at.addingTimeInterval(600)
            let gift = try await loyalty.issueGift(customerID: sale.customerID, catalogID: item.id, reason: reason, by: manager, at: given)
            summary.gifts += 1
            if index % 2 == 0 {
                _ = try await loyalty.redeemGift(giftID: gift.id, by: barista, at: given.addingTimeInterval(86_400))
            }
        }
    }

    /// Reviews of some visits: mostly warm, one that alerts the managers.
    private func leaveReviews(
        _ sold: [(orderID: Int64, customerID: Int64, at: Date)], store: Store, threshold: Int, random: inout SplitMix64,
        summary: inout Summary
    ) async throws {
        let feedback = store.pool.feedback
        let ratings = [10, 9, 8, 10, 7, 9, 3, 10, 8, 9]
        var reviewed: Set<Int64> = []
        for rating in ratings {
            let sale = sold[Int(random.next() % UInt64(sold.count))]
            guard reviewed.insert(sale.orderID).inserted else { continue }
            let outcome = try await feedback.submitReview(
                customerID: sale.customerID, orderID: sale.orderID, rating: rating, alertThreshold: threshold,
                at: sale.at.addingTimeInterval(1_800))
            if case .recorded = outcome { summary.reviews += 1 }
        }
    }

    /// A delivered broadcast, birthdays to celebrate, and the month's notifications marked as
    /// past: they were never sent, and a fresh server must not send a month of receipts now.
    private func finish(
        on database: Database, logger: Logger, from start: Date, at now: Date, guests: [Int64], random: inout SplitMix64
    )
        async throws
    {
        let sentAt = start.addingTimeInterval(Double(Self.days / 2) * 86_400 + 11 * 3600)
        let birthdays = guests.prefix(6).map { _ in Int(random.next() % 365) }
        try await database.withTransaction(logger: logger) { connection in
            try await connection.run(
                "UPDATE outbox SET status = 'skipped', last_error = 'demo month' WHERE status = 'pending' AND created_at < \(now)",
                logger: logger)
            try await connection.run(
                """
                WITH audience AS (
                    SELECT id, telegram_id FROM customers WHERE telegram_id IS NOT NULL AND anonymised_at IS NULL AND created_at < \(sentAt)
                ), broadcast AS (
                    INSERT INTO broadcasts (audience, body, created_by_kind, created_by_id, created_at, recipients, reported_sent,
                                            reported_failed, finished_at)
                    SELECT 'everyone', 'Новинка недели — раф с халвой! Покажите это сообщение и получите двойные баллы.', 'admin', '1',
                           \(sentAt), count(*), count(*) - 1, 1, \(sentAt) + interval '2 minutes'
                    FROM audience RETURNING id
                )
                INSERT INTO outbox (bot, chat_id, customer_id, kind, method, payload, status, next_attempt_at, created_at, sent_at, broadcast_id)
                SELECT 'client', a.telegram_id, a.id, 'promotional', 'sendMessage', '{"text": "demo broadcast"}',
                       CASE WHEN row_number() OVER (ORDER BY a.id) = 1 THEN 'failed' ELSE 'sent' END,
                       \(sentAt), \(sentAt), \(sentAt), b.id
                FROM audience a, broadcast b
                """,
                logger: logger
            )
            for (customerID, dayOfYear) in zip(guests, birthdays) {
                try await connection.run(
                    """
                    UPDATE customers SET birth_date = make_date(1985 + \(dayOfYear)::int % 15, 1, 1) + \(dayOfYear)::int
                    WHERE id = \(customerID) AND birth_date IS NULL
                    """,
                    logger: logger
                )
            }
        }
    }
}

enum DemoSeedError: Error, CustomStringConvertible {
    case missingStaff

    var description: String { "the demo staff are missing: run the basic demo seed first" }
}

/// A small seeded generator: the same seed gives the same demo month.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A draw in `0..<1`.
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
