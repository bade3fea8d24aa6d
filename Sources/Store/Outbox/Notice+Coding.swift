import Foundation

extension Notice: Codable {
    /// The `template` each case is stored under.
    public enum Template: String, Codable, Sendable, CaseIterable {
        case saleReceipt = "sale_receipt"
        case saleCancelled = "sale_cancelled"
        case saleRefunded = "sale_refunded"
        case pointsExpiring = "points_expiring"
        case pointsExpired = "points_expired"
        case giftIssued = "gift_issued"
        case birthdayGift = "birthday_gift"
        case reviewAlert = "review_alert"
        case reviewComment = "review_comment"
        case guestMessage = "guest_message"
        case broadcastFailed = "broadcast_failed"
        case webhookDisabled = "webhook_disabled"
        case welcomeBonus = "welcome_bonus"
        case referralReward = "referral_reward"
        case referralReversed = "referral_reversed"
    }

    enum TemplateKey: String, CodingKey {
        case template
    }

    public var template: Template {
        switch self {
        case .saleReceipt: return .saleReceipt
        case .saleCancelled: return .saleCancelled
        case .saleRefunded: return .saleRefunded
        case .pointsExpiring: return .pointsExpiring
        case .pointsExpired: return .pointsExpired
        case .giftIssued: return .giftIssued
        case .birthdayGift: return .birthdayGift
        case .reviewAlert: return .reviewAlert
        case .reviewComment: return .reviewComment
        case .guestMessage: return .guestMessage
        case .broadcastFailed: return .broadcastFailed
        case .webhookDisabled: return .webhookDisabled
        case .welcomeBonus: return .welcomeBonus
        case .referralReward: return .referralReward
        case .referralReversed: return .referralReversed
        }
    }

    public init(from decoder: any Decoder) throws {
        let template = try decoder.container(keyedBy: TemplateKey.self).decode(Template.self, forKey: .template)
        switch template {
        case .saleReceipt: self = .saleReceipt(try SaleReceipt(from: decoder))
        case .saleCancelled: self = .saleCancelled(try SaleCancellation(from: decoder))
        case .saleRefunded: self = .saleRefunded(try SaleRefund(from: decoder))
        case .pointsExpiring: self = .pointsExpiring(try PointsExpiry(from: decoder))
        case .pointsExpired: self = .pointsExpired(try PointsExpiry(from: decoder))
        case .giftIssued: self = .giftIssued(try Gift(from: decoder))
        case .birthdayGift: self = .birthdayGift(try Gift(from: decoder))
        case .reviewAlert: self = .reviewAlert(try ReviewAlert(from: decoder))
        case .reviewComment: self = .reviewComment(try ReviewComment(from: decoder))
        case .guestMessage: self = .guestMessage(try GuestMessage(from: decoder))
        case .broadcastFailed: self = .broadcastFailed(try BroadcastFailure(from: decoder))
        case .webhookDisabled: self = .webhookDisabled(try WebhookFailure(from: decoder))
        case .welcomeBonus: self = .welcomeBonus(try WelcomeCredit(from: decoder))
        case .referralReward: self = .referralReward(try ReferralCredit(from: decoder))
        case .referralReversed: self = .referralReversed(try ReferralReversal(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .saleReceipt(let content): try content.encode(to: encoder)
        case .saleCancelled(let content): try content.encode(to: encoder)
        case .saleRefunded(let content): try content.encode(to: encoder)
        case .pointsExpiring(let content), .pointsExpired(let content): try content.encode(to: encoder)
        case .giftIssued(let content), .birthdayGift(let content): try content.encode(to: encoder)
        case .reviewAlert(let content): try content.encode(to: encoder)
        case .reviewComment(let content): try content.encode(to: encoder)
        case .guestMessage(let content): try content.encode(to: encoder)
        case .broadcastFailed(let content): try content.encode(to: encoder)
        case .webhookDisabled(let content): try content.encode(to: encoder)
        case .welcomeBonus(let content): try content.encode(to: encoder)
        case .referralReward(let content): try content.encode(to: encoder)
        case .referralReversed(let content): try content.encode(to: encoder)
        }
        var container = encoder.container(keyedBy: TemplateKey.self)
        try container.encode(template, forKey: .template)
    }

    /// The JSON stored in the outbox: keys sorted, dates as ISO 8601 (as PostgreSQL writes them).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Reads a stored notification; nil when the payload is not one (a ready Bot API body).
    public static func decode(_ payload: Data) throws -> Notice? {
        struct Probe: Decodable { var template: String? }
        let decoder = JSONDecoder()
        guard try decoder.decode(Probe.self, from: payload).template != nil else { return nil }
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            // PostgreSQL wrote `2026-12-25T06:00:00+00:00`, sometimes with fractional seconds.
            let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            guard let date = (try? withFraction.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text)) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a timestamp: \(text)"))
            }
            return date
        }
        return try decoder.decode(Notice.self, from: payload)
    }
}
