import Domain
import Foundation
import Logging
import PostgresNIO

/// The loyalty rules an owner may edit, with the range each accepts.
public struct EditableSetting: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case integer(ClosedRange<Int>)
        /// Stored in kopecks, edited in roubles.
        case roubles(ClosedRange<Int>)
        case timeZone
    }

    public var key: String
    public var label: String
    public var kind: Kind

    public static let all: [EditableSetting] = [
        .init(key: "tier_silver_from_kopecks", label: "Silver from (₽ spent)", kind: .roubles(1...100_000_000)),
        .init(key: "tier_gold_from_kopecks", label: "Gold from (₽ spent)", kind: .roubles(1...100_000_000)),
        .init(key: "tier_platinum_from_kopecks", label: "Platinum from (₽ spent)", kind: .roubles(1...100_000_000)),
        .init(key: "earn_rate_standard_percent", label: "Standard earn rate, %", kind: .integer(0...100)),
        .init(key: "earn_rate_silver_percent", label: "Silver earn rate, %", kind: .integer(0...100)),
        .init(key: "earn_rate_gold_percent", label: "Gold earn rate, %", kind: .integer(0...100)),
        .init(key: "earn_rate_platinum_percent", label: "Platinum earn rate, %", kind: .integer(0...100)),
        .init(key: "redeem_cap_percent", label: "Points may pay up to, % of a check", kind: .integer(0...100)),
        .init(key: "payment_code_ttl_seconds", label: "Payment code lifetime, seconds", kind: .integer(30...600)),
        .init(key: "cancel_window_minutes", label: "Barista may cancel within, minutes", kind: .integer(0...1440)),
        .init(key: "review_alert_threshold", label: "Alert managers for reviews at or below", kind: .integer(1...10)),
        .init(key: "birthday_gift_valid_days", label: "Birthday gift valid, days", kind: .integer(1...365)),
        .init(key: "maximum_sale_kopecks", label: "Largest sale accepted (₽)", kind: .roubles(1...10_000_000)),
        .init(key: "broadcast_messages_per_second", label: "Broadcast messages per second", kind: .integer(1...30)),
        .init(key: "time_zone", label: "Café time zone", kind: .timeZone),
    ]
}

public struct SettingValue: Sendable, Equatable {
    public var setting: EditableSetting
    /// As the form shows it: roubles for money, the identifier for a time zone.
    public var display: String
}

public struct SettingsValidationError: Error, Equatable {
    /// Field key → what is wrong with it.
    public var fields: [String: String]
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
            for try await (key, value) in try await connection.query("SELECT key, value #>> '{}' FROM settings", logger: logger).decode(
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

    /// Checks every submitted value, then saves the changed ones in one transaction with an
    /// audit row each. Returns the keys that changed.
    public func update(_ submitted: [String: String], by actor: Actor, at now: Date) async throws -> [String] {
        let parsed = try Self.validate(submitted)
        return try await database.withTransaction(logger: logger) { connection in
            var changed: [String] = []
            for (key, json) in parsed.sorted(by: { $0.key < $1.key }) {
                let updated = try await connection.query(
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
    static func validate(_ submitted: [String: String]) throws -> [String: String] {
        var errors: [String: String] = [:]
        var parsed: [String: String] = [:]
        var numbers: [String: Int] = [:]
        for setting in EditableSetting.all {
            guard let raw = submitted[setting.key]?.trimmingCharacters(in: .whitespaces) else { continue }
            switch setting.kind {
            case .integer(let range), .roubles(let range):
                guard let value = Int(raw), range.contains(value) else {
                    errors[setting.key] = "Enter a whole number from \(range.lowerBound) to \(range.upperBound)."
                    continue
                }
                numbers[setting.key] = value
                if case .roubles = setting.kind { parsed[setting.key] = String(value * 100) } else { parsed[setting.key] = String(value) }
            case .timeZone:
                guard TimeZone(identifier: raw) != nil, raw.contains("/") || raw == "UTC" else {
                    errors[setting.key] = "Enter a time zone such as Europe/Moscow."
                    continue
                }
                parsed[setting.key] = "\"\(raw)\""
            }
        }
        if let silver = numbers["tier_silver_from_kopecks"], let gold = numbers["tier_gold_from_kopecks"], gold <= silver {
            errors["tier_gold_from_kopecks"] = errors["tier_gold_from_kopecks"] ?? "Gold must start above Silver."
        }
        if let gold = numbers["tier_gold_from_kopecks"], let platinum = numbers["tier_platinum_from_kopecks"], platinum <= gold {
            errors["tier_platinum_from_kopecks"] = errors["tier_platinum_from_kopecks"] ?? "Platinum must start above Gold."
        }
        guard errors.isEmpty else { throw SettingsValidationError(fields: errors) }
        return parsed
    }
}
