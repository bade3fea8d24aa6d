import Domain
import Foundation
import Runtime
import Store

/// A manager refunds part of an order (an item returned): the amount, the reason, done. The engine
/// decides who may (managers of the order's location) and how much (never more than is left).
extension StaffBot {
    func askRefundAmount(order: Int64, callback: TelegramCallbackQuery, turn: StaffTurn) async throws -> BotReply {
        guard turn.member.role == .manager else {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.error(.refundNeedsManager)))
        }
        try await turn.conversations.set(.refundAmount(orderID: order), chatID: turn.chatID, at: turn.now)
        return turn.reply(
            .answerCallbackQuery(id: callback.id),
            turn.say(turn.texts.askRefundAmount(order: order), turn.inline([[(turn.texts.cancelButton, .abandon)]])))
    }

    func takeRefundAmount(_ text: String, orderID: Int64, turn: StaffTurn) async throws -> BotReply {
        guard let amount = Money(parsing: text) else { return turn.reply(turn.say(turn.texts.amountUnreadable)) }
        guard amount.kopecks > 0 else { return turn.reply(turn.say(turn.texts.amountNotPositive)) }
        try await turn.conversations.set(
            .refundReason(orderID: orderID, amount: amount, nonce: nonce()), chatID: turn.chatID, at: turn.now)
        return turn.reply(
            turn.say(turn.texts.askRefundReason(order: orderID, amount: amount), turn.inline([[(turn.texts.cancelButton, .abandon)]])))
    }

    /// The key comes from the nonce drawn for this refund, so a redelivered update refunds once.
    func refund(_ amount: Money, of orderID: Int64, reason: String, nonce: String, turn: StaffTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        let request = RefundRequest(
            orderID: orderID, amount: amount, reason: reason, idempotencyKey: "staff:\(turn.member.id):\(nonce)")
        do {
            let refunded = try await turn.tx.loyalty.refundSale(request, by: turn.member.actor, at: turn.now)
            return turn.reply(turn.say(turn.texts.refunded(refunded), turn.menu))
        } catch let error as LoyaltyError {
            return turn.reply(turn.say(turn.texts.error(error), turn.menu))
        }
    }
}
