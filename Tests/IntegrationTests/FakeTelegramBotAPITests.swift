import CremaTestSupport
import Foundation
import Testing

/// The fake must answer the way Telegram does (shared/telegram/BOTAPI.md), or tests that use it prove nothing.
@Suite struct FakeTelegramBotAPITests {
    func call(
        _ fake: FakeTelegramBotAPI, token: String = "123:abc", _ method: String, _ body: [String: Any]
    ) async throws -> (status: Int, json: [String: Any]) {
        let data = try JSONSerialization.data(withJSONObject: body)
        let answer = try await HTTPProbe.postJSON("\(fake.baseURL.absoluteString)/bot\(token)/\(method)", body: data)
        return (answer.status, try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] ?? [:])
    }

    @Test func sendMessageSucceedsWithAMessageAndIsRecorded() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            let answer = try await call(fake, "sendMessage", ["chat_id": 111_111_111, "text": "Привет"])
            #expect(answer.status == 200)
            #expect(answer.json["ok"] as? Bool == true)
            let message = answer.json["result"] as? [String: Any]
            #expect(message?["message_id"] as? Int == 1)
            #expect(message?["text"] as? String == "Привет")

            let calls = await fake.calls("sendMessage")
            #expect(calls.count == 1)
            #expect(calls.first?.token == "123:abc")
            #expect(calls.first?.chatID == 111_111_111)
            #expect(calls.first?.text == "Привет")
        }
    }

    @Test func injectedTooManyRequestsCarriesRetryAfterThenPasses() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            await fake.fail("sendMessage", times: 1, with: .tooManyRequests(retryAfter: 7))
            let limited = try await call(fake, "sendMessage", ["chat_id": 5, "text": "a"])
            #expect(limited.status == 429)
            #expect(limited.json["error_code"] as? Int == 429)
            #expect(limited.json["description"] as? String == "Too Many Requests: retry after 7")
            #expect((limited.json["parameters"] as? [String: Any])?["retry_after"] as? Int == 7)

            #expect(try await call(fake, "sendMessage", ["chat_id": 5, "text": "a"]).status == 200)
            #expect(await fake.calls().map(\.status) == [429, 200])
        }
    }

    @Test func aBlockedChatAnswers403EveryTimeOthersStillReceive() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            await fake.block(chatID: 42)
            for _ in 0..<2 {
                let answer = try await call(fake, "sendMessage", ["chat_id": 42, "text": "promo"])
                #expect(answer.status == 403)
                #expect(answer.json["description"] as? String == "Forbidden: bot was blocked by the user")
            }
            #expect(try await call(fake, "sendMessage", ["chat_id": 43, "text": "promo"]).status == 200)
        }
    }

    @Test func serverErrorsCanBeInjectedForAGivenChat() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            await fake.fail("sendMessage", chatID: 9, times: 2, with: .serverError(status: 502))
            var statuses: [Int] = []
            for chatID in [8, 9, 9, 9] {
                statuses.append(try await call(fake, "sendMessage", ["chat_id": chatID, "text": "x"]).status)
            }
            #expect(statuses == [200, 502, 502, 200])
        }
    }

    @Test func answersLikeTelegramToBadCallsAndWrongTokens() async throws {
        try await FakeTelegramBotAPI.withRunning(acceptedTokens: ["123:abc"]) { fake in
            let empty = try await call(fake, "sendMessage", ["chat_id": 1, "text": ""])
            #expect(empty.status == 400)
            #expect(empty.json["description"] as? String == "Bad Request: message text is empty")
            #expect(try await call(fake, "noSuchMethod", [:]).status == 404)
            let wrongToken = try await call(fake, token: "999:zzz", "getMe", [:])
            #expect(wrongToken.status == 401)
            #expect(wrongToken.json["description"] as? String == "Unauthorized")
            #expect(try await call(fake, "answerCallbackQuery", ["callback_query_id": "1"]).json["result"] as? Bool == true)
        }
    }
}
