import Domain
import Foundation
import Logging
import PostgresNIO

/// The owner-editable settings the engine needs, read from the `settings` table.
public struct LoyaltySettings: Sendable, Equatable {
    public var rules: LoyaltyRules
    public var codeLifetimeSeconds: Int
    /// How long a code stays good for the barista who looked the guest up (0: no hold).
    public var codeHoldMinutes: Int
    public var cancelWindowMinutes: Int
    public var timeZone: String
    public var birthdayGiftValidDays: Int
    public var birthdayGiftSlug: String
    /// Reviews at or below this rating alert the managers.
    public var reviewAlertThreshold: Int
    /// Orders older than this many days are not offered for review.
    public var reviewWindowDays: Int
    /// Wrong payment codes a staff member may enter per minute before being slowed down.
    public var wrongCodeLimitPerMinute: Int
    /// Wrong admin passwords per account per 15 minutes (and four times as many per address).
    public var adminLoginAttemptsPer15Minutes: Int
    /// How many messages a bot's outbox sender sends per second (Telegram allows about 30).
    public var broadcastMessagesPerSecond: Int
    /// Broadcasts one manager or admin may send per day.
    public var broadcastsPerDay: Int = 3
    /// Messages to management one guest may send per day.
    public var guestMessagesPerDay: Int = 5
    /// Days sent outbox messages are kept.
    public var outboxRetentionDays: Int = 30
    /// Gifts a barista may give per café day; a manager gives any more.
    public var baristaGiftsPerShift: Int = 5
    /// How long earned points stay spendable (0 months: forever).
    public var pointsValidity: PointsValidity = .forever
    /// Days before points expire that the guest is told.
    public var expiryReminderDays: Int = 14

    public var cafeTimeZone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    public static let defaults = LoyaltySettings(
        rules: .defaults, codeLifetimeSeconds: 90, codeHoldMinutes: 5, cancelWindowMinutes: 10,
        timeZone: "Europe/Moscow", birthdayGiftValidDays: 7, birthdayGiftSlug: "drink",
        reviewAlertThreshold: 6, reviewWindowDays: 30, wrongCodeLimitPerMinute: 5, adminLoginAttemptsPer15Minutes: 5,
        broadcastMessagesPerSecond: 25
    )

    public static func load(on connection: PostgresConnection, logger: Logger) async throws -> LoyaltySettings {
        var values: [String: String] = [:]
        for try await row in try await connection.run(LoadSettings(), logger: logger) {
            let (key, value) = try row.decode((String, String).self)
            values[key] = value
        }
        return LoyaltySettings(values: values)
    }
}

extension LoyaltySettings {
    /// The settings from the table's keys and values read as two arrays, the n-th value the n-th
    /// key's.
    init(keys: [String], values: [String]) {
        self.init(values: Dictionary(zip(keys, values), uniquingKeysWith: { first, _ in first }))
    }

    /// Reads the settings from the table's rows as text, falling back to the defaults for missing
    /// or unreadable values.
    init(values: [String: String]) {
        func integer(_ key: String, _ fallback: Int) -> Int { values[key].flatMap { Int($0) } ?? fallback }
        func money(_ key: String, _ fallback: Money) -> Money { values[key].flatMap { Int64($0) }.map(Money.init(kopecks:)) ?? fallback }

        let defaults = LoyaltyRules.defaults
        let rules = LoyaltyRules(
            tierThresholds: [
                .standard: .zero,
                .silver: money("tier_silver_from_kopecks", defaults.tierThresholds[.silver]!),
                .gold: money("tier_gold_from_kopecks", defaults.tierThresholds[.gold]!),
                .platinum: money("tier_platinum_from_kopecks", defaults.tierThresholds[.platinum]!),
            ],
            earnRatePercent: Dictionary(
                uniqueKeysWithValues: Tier.allCases.map { tier in
                    (tier, integer("earn_rate_\(tier.rawValue)_percent", defaults.earnRate(for: tier)))
                }),
            redeemCapPercent: integer("redeem_cap_percent", defaults.redeemCapPercent),
            maximumSale: money("maximum_sale_kopecks", defaults.maximumSale)
        )
        self.init(
            rules: rules,
            codeLifetimeSeconds: integer("payment_code_ttl_seconds", 90),
            codeHoldMinutes: integer("code_hold_minutes", 5),
            cancelWindowMinutes: integer("cancel_window_minutes", 10),
            timeZone: values["time_zone"] ?? "Europe/Moscow",
            birthdayGiftValidDays: integer("birthday_gift_valid_days", 7),
            birthdayGiftSlug: values["birthday_gift"] ?? "drink",
            reviewAlertThreshold: integer("review_alert_threshold", 6),
            reviewWindowDays: integer("review_window_days", 30),
            wrongCodeLimitPerMinute: integer("wrong_code_limit_per_minute", 5),
            adminLoginAttemptsPer15Minutes: integer("admin_login_attempts_per_15_minutes", 5),
            broadcastMessagesPerSecond: integer("broadcast_messages_per_second", 25)
        )
        broadcastsPerDay = integer("broadcasts_per_day", 3)
        guestMessagesPerDay = integer("guest_messages_per_day", 5)
        outboxRetentionDays = integer("outbox_retention_days", 30)
        baristaGiftsPerShift = integer("barista_gifts_per_shift", 5)
        pointsValidity = PointsValidity(months: integer("points_validity_months", 0))
        expiryReminderDays = integer("expiry_reminder_days", 14)
    }
}

extension SQLSession {
    /// The owner's settings, read once per transaction (`TransactionMemo` says why) and once per
    /// command on the pool.
    func settings(on connection: PostgresConnection) async throws -> LoyaltySettings {
        if let known = memo?.settings { return known }
        let settings = try await LoyaltySettings.load(on: connection, logger: logger)
        memo?.settings = settings
        return settings
    }
}

/// Every setting as text (a JSON null is no value: the default applies).
struct LoadSettings: PlannedStatement {
    static let parameters = StatementParameters<LoadSettings>([])
    static let sql = "SELECT key, value #>> '{}' FROM settings WHERE value #>> '{}' IS NOT NULL"
}
