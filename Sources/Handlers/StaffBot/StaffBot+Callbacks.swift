import Domain
import Foundation
import Runtime
import Store

extension StaffBot {
    func handle(_ callback: TelegramCallbackQuery, in transaction: UpdateTransaction) async throws -> BotReply {
        let member = try await transaction.tx.staff.member(telegramID: callback.from.id)
        guard let member, member.active else {
            let texts = StaffTexts(language: member?.language ?? Language(telegramLanguageCode: callback.from.languageCode))
            return BotReply([.answerCallbackQuery(id: callback.id, text: texts.refusal)])
        }
        let turn = StaffTurn(transaction: transaction, chatID: callback.message?.chat.id ?? callback.from.id, member: member)
        guard let action = callback.data.flatMap(StaffCallback.init(data:)) else {
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.stale))
        }
        let messageID = callback.message?.messageID
        switch action {
        case .redeemNone: return try await chooseRedeem(RedeemRequest.none, callback: callback, turn: turn)
        case .redeemMaximum: return try await chooseRedeem(.maximum, callback: callback, turn: turn)
        case .redeemEnter: return try await chooseRedeem(nil, callback: callback, turn: turn)
        case .toggleGift(let giftID): return try await toggleGift(giftID, callback: callback, turn: turn)
        case .confirmSale(let nonce): return try await confirm(nonce: nonce, callback: callback, turn: turn)
        case .abandon: return try await abandon(turn: turn, messageID: messageID, callbackID: callback.id)
        case .cancelSale(let order): return try await askCancelReason(order: order, callback: callback, turn: turn)
        case .refundSale(let order): return try await askRefundAmount(order: order, callback: callback, turn: turn)
        case .issueGift(let catalogID): return try await askGiftReason(catalogID: catalogID, callback: callback, turn: turn)
        case .redeemGift(let giftID): return try await redeemGift(giftID, callback: callback, turn: turn)
        case .audienceTierMenu:
            let rows = Tier.allCases.map { [(turn.texts.tierName($0), StaffCallback.audienceTier($0))] }
            return turn.reply(
                .answerCallbackQuery(id: callback.id), turn.show(turn.texts.pickAudience, turn.inline(rows), replacing: messageID))
        case .audienceEveryone: return try await askBroadcastText(audience: .everyone, callback: callback, turn: turn)
        case .audienceTier(let tier): return try await askBroadcastText(audience: .tier(tier), callback: callback, turn: turn)
        case .audienceActive(let days): return try await askBroadcastText(audience: .active(days: days), callback: callback, turn: turn)
        case .audienceBirthdays: return try await askBroadcastText(audience: .birthdaysThisMonth, callback: callback, turn: turn)
        case .sendBroadcast(let nonce): return try await sendBroadcast(nonce: nonce, callback: callback, turn: turn)
        }
    }
}
