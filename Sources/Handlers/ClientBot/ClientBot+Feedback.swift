import Domain
import Foundation
import Runtime
import Store

/// Reviews of a visit, ideas and messages to management.
extension ClientBot {
    func startReview(for customer: Customer, turn: ClientTurn) async throws -> BotReply {
        let settings = try await turn.tx.settings()
        let window = TimeInterval(settings.reviewWindowDays) * 24 * 3600
        let orders = try await turn.tx.feedback.reviewableOrders(customerID: customer.id, since: turn.now.addingTimeInterval(-window))
        guard let latest = orders.first else {
            return turn.reply(turn.say(turn.texts.reviewNoOrders(days: settings.reviewWindowDays), turn.texts.menu))
        }
        if orders.count == 1 {
            return turn.reply(turn.say(turn.texts.rateOrder(latest.orderID), turn.texts.ratingKeyboard(order: latest.orderID)))
        }
        let cafe = CafeTime(identifier: settings.timeZone)
        let rows = orders.map { order in
            [
                (
                    turn.texts.reviewOrderButton(order: order.orderID, amount: order.amount, date: cafe.day(order.createdAt)),
                    ClientCallback.reviewOrder(order.orderID)
                )
            ]
        }
        return turn.reply(turn.say(turn.texts.reviewPickOrder, turn.texts.inline(rows)))
    }

    /// A rating from the buttons under a receipt or the review prompt; then an optional comment.
    func rate(order: Int64, rating: Int, for customer: Customer, callback: TelegramCallbackQuery, turn: ClientTurn) async throws -> BotReply
    {
        let settings = try await turn.tx.settings()
        let outcome = try await turn.tx.feedback.submitReview(
            customerID: customer.id, orderID: order, rating: rating, alertThreshold: settings.reviewAlertThreshold,
            at: turn.now
        )
        switch outcome {
        case .recorded(let feedbackID):
            try await turn.conversations.set(.reviewComment(feedbackID: feedbackID), chatID: turn.chatID, at: turn.now)
            let thanks = turn.texts.ratingSaved(rating)
            let shown: BotCall =
                callback.message.map {
                    .editMessageText(chatID: turn.chatID, messageID: $0.messageID, text: thanks, markup: turn.texts.skipCommentKeyboard)
                } ?? turn.say(thanks, turn.texts.skipCommentKeyboard)
            return turn.reply(.answerCallbackQuery(id: callback.id, text: "\(rating)/10"), shown)
        case .alreadyReviewed:
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.alreadyReviewed))
        case .orderNotFound:
            return turn.reply(.answerCallbackQuery(id: callback.id, text: turn.texts.staleButton))
        }
    }

    func saveReviewComment(_ text: String, feedbackID: Int64, for customer: Customer, turn: ClientTurn) async throws -> BotReply {
        let settings = try await turn.tx.settings()
        try await turn.conversations.clear(chatID: turn.chatID)
        _ = try await turn.tx.feedback.addReviewComment(
            feedbackID: feedbackID, customerID: customer.id, text: text, alertThreshold: settings.reviewAlertThreshold,
            at: turn.now
        )
        return turn.reply(turn.say(turn.texts.commentSaved, turn.texts.menu))
    }

    func saveNote(_ kind: FeedbackStore.NoteKind, _ text: String, for customer: Customer, turn: ClientTurn) async throws -> BotReply {
        try await turn.conversations.clear(chatID: turn.chatID)
        if kind == .message {
            // Each message alerts every manager: a guest cannot flood their chats.
            let perDay = try await turn.tx.settings().guestMessagesPerDay
            let allowance = RateLimiter.Limit(key: "guest_messages:\(customer.id)", maximum: perDay, window: 86_400)
            if try await turn.tx.rateLimits.take([allowance], at: turn.now) != nil {
                return turn.reply(turn.say(turn.texts.messageLimitReached, turn.texts.menu))
            }
        }
        try await turn.tx.feedback.submitNote(kind, customerID: customer.id, text: text, at: turn.now)
        return turn.reply(turn.say(kind == .idea ? turn.texts.ideaSaved : turn.texts.messageSaved, turn.texts.menu))
    }
}
