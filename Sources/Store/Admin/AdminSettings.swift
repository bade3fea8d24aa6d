import Domain
import Foundation
import Logging
import PostgresNIO

/// Every setting the product has, as the owner edits it: its unit and the range it accepts.
/// Each is read where it is used, on every request or job run, so a saved change takes effect on
/// every instance without a restart.
public struct EditableSetting: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case integer(ClosedRange<Int>)
        /// Stored in kopecks, edited in roubles.
        case roubles(ClosedRange<Int>)
        case timeZone
        /// The slug of an active item of the gift catalogue.
        case giftItem
    }

    public enum Group: String, Sendable, CaseIterable {
        case rules = "Loyalty rules"
        case till = "At the till"
        case guests = "Guests, gifts and reviews"
        case messages = "Messages"
        case partnerAPI = "Partner API"
        case adminSecurity = "Admin panel security"
        case operations = "Operations"
    }

    public var key: String
    public var label: String
    public var unit: String
    public var group: Group
    public var kind: Kind

    init(_ key: String, _ label: String, unit: String = "", _ group: Group, _ kind: Kind) {
        self.key = key
        self.label = label
        self.unit = unit
        self.group = group
        self.kind = kind
    }

    public static let all: [EditableSetting] = [
        .init("tier_silver_from_kopecks", "Silver from", unit: "₽ spent", .rules, .roubles(1...100_000_000)),
        .init("tier_gold_from_kopecks", "Gold from", unit: "₽ spent", .rules, .roubles(1...100_000_000)),
        .init("tier_platinum_from_kopecks", "Platinum from", unit: "₽ spent", .rules, .roubles(1...100_000_000)),
        .init("earn_rate_standard_percent", "Standard earn rate", unit: "%", .rules, .integer(0...100)),
        .init("earn_rate_silver_percent", "Silver earn rate", unit: "%", .rules, .integer(0...100)),
        .init("earn_rate_gold_percent", "Gold earn rate", unit: "%", .rules, .integer(0...100)),
        .init("earn_rate_platinum_percent", "Platinum earn rate", unit: "%", .rules, .integer(0...100)),
        .init("redeem_cap_percent", "Points may pay up to", unit: "% of a check", .rules, .integer(0...100)),
        .init("maximum_sale_kopecks", "Largest sale accepted", unit: "₽", .rules, .roubles(1...10_000_000)),
        .init("points_validity_months", "Points expire after (0: never)", unit: "months", .rules, .integer(0...120)),
        .init("expiry_reminder_days", "Tell guests before points expire", unit: "days", .rules, .integer(1...90)),
        .init("payment_code_ttl_seconds", "Payment code lifetime", unit: "seconds", .till, .integer(30...600)),
        .init("code_hold_minutes", "A looked-up code stays good for its barista", unit: "minutes", .till, .integer(0...30)),
        .init("cancel_window_minutes", "Barista may cancel own sale within", unit: "minutes", .till, .integer(0...1440)),
        .init("wrong_code_limit_per_minute", "Wrong codes before a barista is slowed down", unit: "per minute", .till, .integer(1...100)),
        .init("barista_gifts_per_shift", "Gifts a barista may give", unit: "per day", .till, .integer(0...1000)),
        .init("birthday_gift", "Birthday gift", .guests, .giftItem),
        .init("birthday_gift_valid_days", "Birthday gift valid", unit: "days", .guests, .integer(1...365)),
        .init("review_window_days", "Guests may review visits of the last", unit: "days", .guests, .integer(1...365)),
        .init("review_alert_threshold", "Alert managers for reviews at or below", unit: "of 10", .guests, .integer(1...10)),
        .init("broadcast_messages_per_second", "Messages per second, per bot", unit: "per second", .messages, .integer(1...30)),
        .init("broadcasts_per_day", "Broadcasts one manager or admin may send", unit: "per day", .messages, .integer(0...50)),
        .init("guest_messages_per_day", "Messages to management one guest may send", unit: "per day", .guests, .integer(1...100)),
        .init("time_zone", "Café time zone", .messages, .timeZone),
        .init("api_requests_per_minute", "Requests per key", unit: "per minute", .partnerAPI, .integer(1...100_000)),
        .init("api_registrations_per_minute", "Registrations per key", unit: "per minute", .partnerAPI, .integer(1...10_000)),
        .init("api_profile_reads_per_minute", "Profile reads per key", unit: "per minute", .partnerAPI, .integer(1...10_000)),
        .init("idempotency_key_hours", "Idempotency keys remembered for", unit: "hours", .partnerAPI, .integer(1...720)),
        .init("admin_session_idle_minutes", "Sign out after inactivity of", unit: "minutes", .adminSecurity, .integer(5...1440)),
        .init("admin_session_absolute_hours", "Sign out in any case after", unit: "hours", .adminSecurity, .integer(1...720)),
        .init(
            "admin_login_attempts_per_15_minutes", "Wrong passwords per account", unit: "per 15 minutes", .adminSecurity, .integer(1...100)),
        .init("backup_retention_days", "Backups kept for", unit: "days", .operations, .integer(1...3650)),
        .init("outbox_retention_days", "Delivered messages kept for", unit: "days", .operations, .integer(1...3650)),
    ]
}

public struct SettingValue: Sendable, Equatable {
    public var setting: EditableSetting
    /// As the form shows it: roubles for money, the identifier for a time zone.
    public var display: String
}

public struct SettingsValidationError: Error, Equatable {
    /// What is wrong with a submitted value; the panel words it in the admin's language.
    public enum Problem: Sendable, Equatable {
        case outOfRange(ClosedRange<Int>, unit: String)
        case timeZone
        case giftItem
        /// A tier threshold must start above the one below it (named by its setting key).
        case mustStartAbove(String)
    }

    /// Field key → what is wrong with it.
    public var problems: [String: Problem]
}

public struct AdminSettings: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func current() async throws -> [SettingValue] {
        let stored = try await database.withConnection(logger: logger) { connection in
            var values: [String: String] = [:]
            for try await (key, value) in try await connection.run("SELECT key, value #>> '{}' FROM settings", logger: logger).decode(
                (String, String).self)
            {
                values[key] = value
            }
            return values
        }
        return EditableSetting.all.map { setting in
            let raw = stored[setting.key] ?? ""
            if case .roubles = setting.kind, let kopecks = Int64(raw) {
                return SettingValue(setting: setting, display: String(kopecks / 100))
            }
            return SettingValue(setting: setting, display: raw)
        }
    }

    /// The catalogue items a gift setting may name: the active ones, by slug.
    public func giftChoices() async throws -> [(slug: String, name: LocalizedName)] {
        try await database.withConnection(logger: logger) { connection in
            var choices: [(slug: String, name: LocalizedName)] = []
            let rows = try await connection.run("SELECT slug, name, name_en FROM gift_catalog WHERE active ORDER BY id", logger: logger)
            for try await (slug, name, english) in rows.decode((String, String, String).self) {
                choices.append((slug, LocalizedName(russian: name, english: english)))
            }
            return choices
        }
    }

    /// Checks every submitted value, then saves the changed ones in one transaction with an
    /// audit row each. Returns the keys that changed.
    public func update(_ submitted: [String: String], by actor: Actor, at now: Date) async throws -> [String] {
        let giftSlugs = Set(try await giftChoices().map(\.slug))
        let parsed = try Self.validate(submitted, giftSlugs: giftSlugs)
        return try await database.withTransaction(logger: logger) { connection in
            var changed: [String] = []
            for (key, json) in parsed.sorted(by: { $0.key < $1.key }) {
                let updated = try await connection.run(
                    """
                    -- No FOR UPDATE here: the upsert locks the row, and a locking read of a row this
                    -- same statement updates would come back empty.
                    WITH old AS (SELECT key, value FROM settings WHERE key = \(key)),
                    saved AS (
                        INSERT INTO settings (key, value, updated_at, updated_by) VALUES (\(key), \(json)::jsonb, \(now), \(actor.id))
                        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
                        WHERE settings.value IS DISTINCT FROM EXCLUDED.value
                        RETURNING key
                    )
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'settings.changed', 'setting', saved.key,
                           (SELECT value FROM old), \(json)::jsonb
                    FROM saved RETURNING 1
                    """,
                    logger: logger
                ).collect().count
                if updated == 1 { changed.append(key) }
            }
            return changed
        }
    }

    /// Field by field; the tier thresholds must also rise from silver to platinum.
    static func validate(_ submitted: [String: String], giftSlugs: Set<String>) throws -> [String: String] {
        var errors: [String: SettingsValidationError.Problem] = [:]
        var parsed: [String: String] = [:]
        var numbers: [String: Int] = [:]
        for setting in EditableSetting.all {
            guard let raw = submitted[setting.key]?.trimmingCharacters(in: .whitespaces) else { continue }
            switch setting.kind {
            case .integer(let range), .roubles(let range):
                guard let value = Int(raw), range.contains(value) else {
                    errors[setting.key] = .outOfRange(range, unit: setting.unit)
                    continue
                }
                numbers[setting.key] = value
                if case .roubles = setting.kind { parsed[setting.key] = String(value * 100) } else { parsed[setting.key] = String(value) }
            case .timeZone:
                guard TimeZone(identifier: raw) != nil, raw.contains("/") || raw == "UTC" else {
                    errors[setting.key] = .timeZone
                    continue
                }
                parsed[setting.key] = "\"\(raw)\""
            case .giftItem:
                guard giftSlugs.contains(raw) else {
                    errors[setting.key] = .giftItem
                    continue
                }
                parsed[setting.key] = "\"\(raw)\""
            }
        }
        if let silver = numbers["tier_silver_from_kopecks"], let gold = numbers["tier_gold_from_kopecks"], gold <= silver {
            errors["tier_gold_from_kopecks"] = errors["tier_gold_from_kopecks"] ?? .mustStartAbove("tier_silver_from_kopecks")
        }
        if let gold = numbers["tier_gold_from_kopecks"], let platinum = numbers["tier_platinum_from_kopecks"], platinum <= gold {
            errors["tier_platinum_from_kopecks"] = errors["tier_platinum_from_kopecks"] ?? .mustStartAbove("tier_gold_from_kopecks")
        }
        guard errors.isEmpty else { throw SettingsValidationError(problems: errors) }
        return parsed
    }
}
