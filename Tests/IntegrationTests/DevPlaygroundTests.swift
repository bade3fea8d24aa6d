import CremaTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Runtime
import Testing

@testable import Handlers

/// The dev playground's server side: the page, the stand-in Bot API and their absence outside dev.
@Suite struct DevPlaygroundTests {
    @Test func inDevTheBotsTalkToTheStandInInsideTheServer() throws {
        let dev = try AppConfiguration(
            environment: ["APP_ENV": "dev", "DATABASE_URL": "postgres://u@127.0.0.1:5432/d", "PORT": "8123"], random: .seeded(1))
        #expect(dev.telegram.apiBaseURL.absoluteString == "http://127.0.0.1:8123/dev/bot-api")
        #expect(dev.devPlaygroundEnabled)
        let prod = try AppConfiguration(
            environment: [
                "APP_ENV": "prod", "DATABASE_URL": "postgres://u@127.0.0.1:5432/d", "PUBLIC_BASE_URL": "https://crema.example.com",
                "TELEGRAM_CLIENT_BOT_TOKEN": "1:a", "TELEGRAM_STAFF_BOT_TOKEN": "2:b",
                "TELEGRAM_CLIENT_WEBHOOK_SECRET": String(repeating: "c", count: 32),
                "TELEGRAM_STAFF_WEBHOOK_SECRET": String(repeating: "s", count: 32),
            ], random: .seeded(1))
        #expect(prod.telegram.apiBaseURL.absoluteString == "https://api.telegram.org")
        #expect(!prod.devPlaygroundEnabled)
    }

    @Test func theStandInStoresCallsAndAnswersLikeTelegram() async throws {
        try await TestApp.with(environment: ["APP_ENV": "dev"]) { app, client in
            #expect(try await client.execute(uri: "/dev/playground", method: .get).status == .ok)
            let token = app.configuration.telegram.clientBotToken
            let sent = try await client.execute(
                uri: "/dev/bot-api/bot\(token)/sendMessage", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"chat_id": 42, "text": "Привет"}"#)
            )
            #expect(sent.status == .ok)
            let result = try #require(
                (try JSONSerialization.jsonObject(with: Data(sent.body.readableBytesView)) as? [String: Any])?["result"] as? [String: Any])
            let messageID = try #require(result["message_id"] as? Int)

            let calls = try await client.execute(uri: "/dev/playground/calls?after=0", method: .get)
            let list = try #require(
                (try JSONSerialization.jsonObject(with: Data(calls.body.readableBytesView)) as? [String: Any])?["calls"] as? [[String: Any]]
            )
            #expect(list.count == 1)
            #expect(list.first?["chat_id"] as? Int == 42 && list.first?["message_id"] as? Int == messageID)

            let stranger = try await client.execute(
                uri: "/dev/bot-api/bot1:nope/sendMessage", method: .post, body: ByteBuffer(string: "{}"))
            #expect(stranger.status == .unauthorized)
            let empty = try await client.execute(
                uri: "/dev/bot-api/bot\(token)/sendMessage", method: .post, body: ByteBuffer(string: #"{"chat_id": 42}"#))
            #expect(empty.status == .badRequest)
        }
    }

    @Test func thePlaygroundInviteBindsTheBaristaThroughTheStaffWebhook() async throws {
        try await TestApp.with(environment: ["APP_ENV": "dev"]) { app, client in
            let invite = try await client.execute(uri: "/dev/playground/invite", method: .post)
            let token = try #require(
                (try JSONSerialization.jsonObject(with: Data(invite.body.readableBytesView)) as? [String: Any])?["token"] as? String)
            let barista = BotUser(
                client: client, path: "/telegram/staff", secret: app.configuration.telegram.staffWebhookSecret, userID: 990_000_001,
                firstName: "Barista")
            let answer = try await barista.send(text: "/start \(token)")
            #expect(answer.text?.hasPrefix("Здравствуйте, Barista! Вы подключены как менеджер.") == true)
        }
    }

    @Test func thePageNeverSeesASecretAndTheServerDeliversItsUpdates() async throws {
        try await TestApp.with(environment: ["APP_ENV": "dev"]) { app, client in
            let config = try await client.execute(uri: "/dev/playground/config", method: .get)
            let text = String(buffer: config.body)
            let telegram = app.configuration.telegram
            for secret in [telegram.clientBotToken, telegram.staffBotToken, telegram.clientWebhookSecret, telegram.staffWebhookSecret] {
                #expect(!text.contains(secret))
            }
            let update =
                #"{"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": {"id": 4242, "type": "private"}, "from": {"id": 4242, "is_bot": false, "first_name": "Ира", "language_code": "ru"}, "text": "/start"}}"#
            let delivered = try await client.execute(
                uri: "/dev/playground/deliver/client", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: update))
            #expect(delivered.status == .ok)
            let calls = try await client.execute(uri: "/dev/playground/calls", method: .get)
            #expect(String(buffer: calls.body).contains("Здравствуйте, Ира!"))
            #expect(try await client.execute(uri: "/dev/playground/deliver/nobody", method: .post).status == .notFound)
        }
    }

    @Test func devRoutesAnswerOnlyLoopbackClients() async throws {
        try await withTestDatabase { url in
            let app = try TestApp(databaseURL: url, environment: ["APP_ENV": "dev", "TRUSTED_PROXIES": "127.0.0.1"])
            try await app.application().test(.live) { client in
                #expect(try await client.execute(uri: "/dev/playground", method: .get).status == .ok)
                // A proxy on this machine forwarding an outside client: nothing is served to it.
                let outside = try await client.execute(
                    uri: "/dev/playground/config", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.7"])
                #expect(outside.status == .notFound)
                let invite = try await client.execute(
                    uri: "/dev/playground/invite", method: .post, headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.7"])
                #expect(invite.status == .notFound)
            }
        }
        for address in ["127.0.0.1", "127.5.5.5", "::1", "::ffff:127.0.0.1"] { #expect(LoopbackOnlyMiddleware.isLoopback(address)) }
        for address in ["10.0.0.1", "203.0.113.7", "::ffff:10.0.0.1"] { #expect(!LoopbackOnlyMiddleware.isLoopback(address)) }
    }

    @Test func outsideDevThereIsNoPlayground() async throws {
        try await TestApp.with { app, client in
            #expect(try await client.execute(uri: "/dev/playground", method: .get).status == .notFound)
            let token = app.configuration.telegram.clientBotToken
            let call = try await client.execute(uri: "/dev/bot-api/bot\(token)/sendMessage", method: .post, body: ByteBuffer(string: "{}"))
            #expect(call.status == .notFound)
            #expect(try await client.execute(uri: "/dev/playground/invite", method: .post).status == .notFound)
        }
    }
}
