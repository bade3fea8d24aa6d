import Domain
import Foundation
import Runtime
import Store

/// Turns outbox rows into Bot API calls: template events written by the loyalty engine become
/// texts in the guest's language; rows that already hold a message body are sent as they are.
public struct NotificationRenderer: Sendable {
    let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public func render(_ item: OutboxItem) -> RenderedMessage? {
        guard var fields = (try? JSONSerialization.jsonObject(with: item.payload)) as? [String: Any] else { return nil }
        guard let template = fields["template"] as? String else {
            if item.method != "answerCallbackQuery", fields["chat_id"] == nil { fields["chat_id"] = item.chatID }
            return message(item.method, fields)
        }
        let texts = NotificationTexts(language: Language(rawValue: fields["language"] as? String ?? "ru") ?? .ru)
        func int(_ key: String) -> Int { (fields[key] as? NSNumber)?.intValue ?? 0 }
        func money(_ key: String) -> Money { Money(kopecks: (fields[key] as? NSNumber)?.int64Value ?? 0) }
        func tier(_ key: String) -> Tier { Tier(rawValue: fields[key] as? String ?? "") ?? .standard }

        let text: String
        var markup: [String: Any]?
        switch template {
        case "sale_receipt":
            let before = tier("tier_before"), after = tier("tier_after")
            text = texts.receipt(
                order: Int64(int("order_id")), amount: money("amount_kopecks"), paid: money("paid_kopecks"),
                redeemed: int("points_redeemed"), credited: int("points_credited"), debtRepaid: int("debt_repaid"),
                balance: int("balance"), debt: int("debt"), newTier: after > before ? after : nil, gifts: int("gift_count")
            )
            // The receipt invites one review of this order (the client bot's "rv" action).
            markup = ["inline_keyboard": [[["text": texts.rateVisitButton, "callback_data": "rv:\(int("order_id"))"]]]]
        case "sale_cancelled":
            text = texts.saleCancelled(order: Int64(int("order_id")), balance: int("balance"), debt: int("debt"), tier: tier("tier"))
        case "gift_issued":
            text = texts.giftIssued(name: fields["name"] as? String ?? "", until: day(fields["expires_at"]))
        case "birthday_gift":
            text = texts.birthdayGift(name: fields["name"] as? String ?? "", until: day(fields["expires_at"]))
        case "review_alert":
            text = texts.reviewAlert(guest: fields["guest"] as? String ?? "", rating: int("rating"), order: Int64(int("order_id")))
        case "review_comment":
            text = texts.reviewComment(guest: fields["guest"] as? String ?? "", rating: int("rating"), comment: fields["text"] as? String ?? "")
        case "broadcast_failed":
            text = texts.broadcastFailed(broadcast: Int64(int("broadcast_id")), failed: int("failed"), recipients: int("recipients"))
        case "guest_message":
            text = texts.guestMessage(guest: fields["guest"] as? String ?? "", message: fields["text"] as? String ?? "")
        default:
            return nil
        }
        var body: [String: Any] = ["chat_id": item.chatID, "text": text]
        if let markup { body["reply_markup"] = markup }
        return message("sendMessage", body)
    }

    private func message(_ method: String, _ body: [String: Any]) -> RenderedMessage? {
        guard let data = try? JSONSerialization.data(withJSONObject: body) else { return nil }
        return RenderedMessage(method: method, body: data)
    }

    /// `DD.MM.YYYY` in the café's time zone, from PostgreSQL's JSON timestamp.
    private func day(_ value: Any?) -> String {
        guard let text = value as? String, let date = Self.parseTimestamp(text) else { return "—" }
        let day = CalendarDate(date, in: timeZone)
        let pad = { (number: Int) in number < 10 ? "0\(number)" : "\(number)" }
        return "\(pad(day.day)).\(pad(day.month)).\(day.year)"
    }

    static func parseTimestamp(_ text: String) -> Date? {
        // PostgreSQL writes `2026-12-25T06:00:00+00:00`, sometimes with fractional seconds.
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        return (try? withFraction.parse(text)) ?? (try? plain.parse(text))
    }
}
