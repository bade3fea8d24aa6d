import CremaTestSupport
import Foundation
import Runtime
import Store
import Testing

/// The webhook runtime shared by both bots: secrets, tolerant decoding, and the samples of
/// real updates, each answered without a 5xx.
@Suite struct TelegramWebhookTests {
    @Test func everySamplePostedTwiceToBothBotsIsAcknowledged() async throws {
        let samples = Fixtures.telegramUpdateFiles
        #expect(samples.count >= 12)
        try await TestApp.with { app, client in
            let telegram = app.configuration.telegram
            for (path, secret) in [("/telegram/client", telegram.clientWebhookSecret), ("/telegram/staff", telegram.staffWebhookSecret)] {
                let chat = BotUser(client: client, path: path, secret: secret)
                for sample in samples {
                    let body = try Data(contentsOf: sample)
                    let first = try await chat.post(raw: body)
                    let second = try await chat.post(raw: body)
                    #expect(first.status == 200, "\(path) \(sample.lastPathComponent)")
                    #expect(second.status == 200, "\(path) \(sample.lastPathComponent)")
                    #expect(second.body.isEmpty, "a redelivery of \(sample.lastPathComponent) answered again")
                }
            }
            let fixture = try await LoyaltyFixture.over(app.database)
            #expect(try await fixture.count("SELECT count(*)::int FROM telegram_updates") == samples.count * 2)
            // Only Мария's own contact registered anyone; the foreign and typed ones did not.
            #expect(try await fixture.count("SELECT count(*)::int FROM customers") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM customers WHERE phone = '+79000000000'") == 1)
            // The server still answers afterwards.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func aMissingOrWrongSecretIsUnauthorizedAndChangesNothing() async throws {
        try await TestApp.with { app, client in
            let telegram = app.configuration.telegram
            let body = try Fixtures.telegramUpdate("contact_own")
            for (path, secret) in [("/telegram/client", telegram.clientWebhookSecret), ("/telegram/staff", telegram.staffWebhookSecret)] {
                let chat = BotUser(client: client, path: path, secret: secret)
                #expect(try await chat.post(raw: body, secret: "").status == 401)
                #expect(try await chat.post(raw: body, secret: "wrong-secret").status == 401)
                #expect(try await chat.post(raw: body, secret: secret + "x").status == 401)
            }
            // Each bot's secret opens only its own webhook.
            let crossed = BotUser(client: client, path: "/telegram/client", secret: telegram.staffWebhookSecret)
            let answer = try await crossed.post(raw: body)
            #expect(answer.status == 401)
            #expect((answer.json["code"] as? String) == "unauthorized")
            let fixture = try await LoyaltyFixture.over(app.database)
            #expect(try await fixture.count("SELECT count(*)::int FROM telegram_updates") == 0)
            #expect(try await fixture.count("SELECT count(*)::int FROM customers") == 0)
        }
    }

    @Test func bodiesThatAreNotUpdatesAreAcknowledgedWithoutEffect() async throws {
        try await TestApp.with { app, client in
            let chat = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret)
            let bodies = [
                "", "not json", "[]", "{}", #"{"update_id": "one"}"#, #"{"update_id": 1.5}"#,
                #"{"update_id": 9223372036854775807, "message": {"chat": 5}}"#,
                #"{"update_id": 77, "message": {"message_id": 1, "chat": {"id": 4503599627370495, "type": "private"}, "from": {"id": 4503599627370495, "first_name": "Big", "is_bot": false}, "text": "/start", "future_field": {"x": [1, 2]}}}"#,
                #"{"update_id": 78, "business_message": {"anything": true}}"#,
                #"{"update_id": 79, "callback_query": {"id": "x", "from": {"id": 5, "first_name": "N"}, "data": null}}"#,
            ]
            for body in bodies {
                let answer = try await chat.post(raw: Data(body.utf8))
                #expect(answer.status == 200, "\(body)")
            }
            let fixture = try await LoyaltyFixture.over(app.database)
            // The decodable ones are recorded, including a 52-bit user id and an unknown kind.
            #expect(
                try await fixture.count("SELECT count(*)::int FROM telegram_updates WHERE update_id IN (77, 78, 79, 9223372036854775807)")
                    == 4)
            let bigUser = try await chat.post(
                raw: Data(
                    #"{"update_id": 80, "message": {"message_id": 2, "chat": {"id": 4503599627370495, "type": "private"}, "from": {"id": 4503599627370495, "first_name": "Big", "language_code": "en"}, "text": "/start"}}"#
                        .utf8))
            #expect(bigUser.json["chat_id"] as? Int == 4_503_599_627_370_495)
        }
    }
}
