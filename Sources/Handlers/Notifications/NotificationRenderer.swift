import Domain
import Foundation
import Runtime
import Store

/// Turns outbox rows into Bot API calls: notifications written by the engine become texts in the
/// reader's language; rows that already hold a message body are sent as they are.
public struct NotificationRenderer: Sendable {
    let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// Nil when the row holds neither a notification nor a JSON body (nothing to send).
    public func render(_ item: OutboxItem) -> RenderedMessage? {
        let notification: Notice
        do {
            guard let decoded = try Notice.decode(item.payload) else { return passThrough(item) }
            notification = decoded
        } catch {
            return nil
        }
        let texts = NotificationTexts(language: item.language ?? Self.languageInside(item.payload) ?? .ru)
        let call: BotCall
        switch notification {
        case .saleReceipt(let receipt):
            let text = texts.receipt(
                order: receipt.orderID, amount: receipt.amount, paid: receipt.paid, redeemed: receipt.pointsRedeemed,
                credited: receipt.pointsCredited, debtRepaid: receipt.debtRepaid, balance: receipt.balance, debt: receipt.debt,
                newTier: receipt.tierAfter > receipt.tierBefore ? receipt.tierAfter : nil, gifts: receipt.giftCount,
                campaigns: receipt.campaigns ?? [], visits: receipt.visits
            )
            // The receipt invites one review of this order.
            let rate = ReplyMarkup.InlineButton(texts.rateVisitButton, data: ClientCallback.reviewOrder(receipt.orderID).data)
            call = .sendMessage(chatID: item.chatID, text: text, markup: .inline([[rate]]))
        case .saleCancelled(let cancellation):
            let text = texts.saleCancelled(
                order: cancellation.orderID, balance: cancellation.balance, debt: cancellation.debt, tier: cancellation.tier
            )
            call = .sendMessage(chatID: item.chatID, text: text)
        case .saleRefunded(let refund):
            let text = texts.saleRefunded(
                order: refund.orderID, amount: refund.amount, restored: refund.pointsRestored, takenBack: refund.pointsTakenBack,
                balance: refund.balance, debt: refund.debt, tier: refund.tier
            )
            call = .sendMessage(chatID: item.chatID, text: text)
        case .pointsExpiring(let expiry):
            call = .sendMessage(chatID: item.chatID, text: texts.pointsExpiring(expiry.points, on: expiry.day))
        case .pointsExpired(let expiry):
            call = .sendMessage(chatID: item.chatID, text: texts.pointsExpired(expiry.points, on: expiry.day, balance: expiry.balance ?? 0))
        case .giftIssued(let gift):
            call = .sendMessage(chatID: item.chatID, text: texts.giftIssued(name: gift.name[texts.language], until: day(gift.expiresAt)))
        case .birthdayGift(let gift):
            call = .sendMessage(chatID: item.chatID, text: texts.birthdayGift(name: gift.name[texts.language], until: day(gift.expiresAt)))
        case .reviewAlert(let alert):
            call = .sendMessage(
                chatID: item.chatID, text: texts.reviewAlert(guest: alert.guest, rating: alert.rating, order: alert.orderID))
        case .reviewComment(let comment):
            let text = texts.reviewComment(guest: comment.guest, rating: comment.rating, comment: comment.text)
            call = .sendMessage(chatID: item.chatID, text: text)
        case .guestMessage(let message):
            call = .sendMessage(chatID: item.chatID, text: texts.guestMessage(guest: message.guest, message: message.text))
        case .broadcastFailed(let failure):
            let text = texts.broadcastFailed(broadcast: failure.broadcastID, failed: failure.failed, recipients: failure.recipients)
            call = .sendMessage(chatID: item.chatID, text: text)
        case .webhookDisabled(let failure):
            call = .sendMessage(chatID: item.chatID, text: texts.webhookDisabled(url: failure.url, error: failure.error))
        case .welcomeBonus(let bonus):
            call = .sendMessage(
                chatID: item.chatID, text: texts.welcomeBonus(points: bonus.points, campaign: bonus.campaign, balance: bonus.balance))
        case .referralReward(let credit):
            call = .sendMessage(chatID: item.chatID, text: texts.referralReward(credit))
        case .referralReversed(let reversal):
            call = .sendMessage(chatID: item.chatID, text: texts.referralReversed(reversal))
        }
        return RenderedMessage(method: call.method, body: call.body)
    }

    /// A ready Bot API body, sent as it is with the row's chat filled in.
    private func passThrough(_ item: OutboxItem) -> RenderedMessage? {
        guard var body = (try? JSONSerialization.jsonObject(with: item.payload)) as? [String: Any] else { return nil }
        if item.method != "answerCallbackQuery", body["chat_id"] == nil { body["chat_id"] = item.chatID }
        guard let data = try? JSONSerialization.data(withJSONObject: body) else { return nil }
        return RenderedMessage(method: item.method, body: data)
    }

    /// Rows queued before the outbox had a language column carry it in the payload.
    private static func languageInside(_ payload: Data) -> Language? {
        struct Legacy: Decodable { var language: Language? }
        return (try? JSONDecoder().decode(Legacy.self, from: payload))?.language
    }

    /// `DD.MM.YYYY` in the café's time zone.
    private func day(_ date: Date) -> String {
        CafeTime(timeZone: timeZone).day(date)
    }
}
