import Foundation
import Runtime
import Testing

/// A bot's webhook answer is its call's parameters with `"method"` added, and exactly that: the
/// same object whatever the parameters hold (quotes, emoji, nested keyboards) or lack.
@Suite struct WebhookResponseBodyTests {
    static func object(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    static let calls: [BotCall] = [
        .sendMessage(chatID: 42, text: "Код «123 456» — действует 90 с\n\"кавычки\" и \\ 🙂"),
        .sendMessage(
            chatID: -100, text: "Кнопки",
            markup: .inline([
                [.init("Подтвердить", data: "sc:abc"), .init("Отмена", data: "x")], [.init("Карта", webApp: "https://a.b/c")],
            ])),
        .editMessageText(chatID: 7, messageID: 9, text: "Готово", markup: .removeKeyboard),
        .answerCallbackQuery(id: "cb1"),
        .answerCallbackQuery(id: "cb2", text: "Продажа проведена"),
    ]

    @Test(arguments: calls)
    func isTheParametersWithTheMethod(_ call: BotCall) throws {
        let expected = try Self.object(call.body).mutableCopy() as! NSMutableDictionary
        expected["method"] = call.method
        #expect(try Self.object(call.webhookResponseBody) == expected)
        #expect(String(decoding: call.webhookResponseBody, as: UTF8.self).hasPrefix(#"{"method":"\#(call.method)","#))
    }

    @Test func anEmptyObjectGetsTheMethodAlone() throws {
        let call = BotCall(method: "getMe", chatID: nil, body: Data("{}".utf8))
        #expect(String(decoding: call.webhookResponseBody, as: UTF8.self) == #"{"method":"getMe"}"#)
    }
}
