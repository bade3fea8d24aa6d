import CremaTestSupport
import Foundation
import Store
import Testing

/// `crema set-webhooks` against the fake Bot API.
@Suite struct SetWebhooksTests {
    func environment(_ fake: FakeTelegramBotAPI, publicBaseURL: String? = "https://crema.example.com") -> [String: String] {
        var environment = [
            "APP_ENV": "test", "LOG_LEVEL": "error",
            "DATABASE_URL": "postgres://crema@127.0.0.1:1/crema",
            "TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString,
            "TELEGRAM_CLIENT_BOT_TOKEN": "111:client-token", "TELEGRAM_STAFF_BOT_TOKEN": "222:staff-token",
            "TELEGRAM_CLIENT_WEBHOOK_SECRET": "client_secret-1", "TELEGRAM_STAFF_WEBHOOK_SECRET": "staff_secret-2",
        ]
        environment["PUBLIC_BASE_URL"] = publicBaseURL
        return environment
    }

    @Test func registersBothWebhooksWithTheirSecretsAndUpdateKinds() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            let outcome = try await CremaProcess.run(["set-webhooks", "--drop-pending-updates"], environment: environment(fake))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("client bot @crema_test_bot: webhook set to https://crema.example.com/telegram/client"))

            let hooks = await fake.calls("setWebhook")
            #expect(hooks.count == 2)
            let client = try #require(hooks.first { $0.token == "111:client-token" }?.json)
            #expect(client["url"] as? String == "https://crema.example.com/telegram/client")
            #expect(client["secret_token"] as? String == "client_secret-1")
            #expect(client["drop_pending_updates"] as? Bool == true)
            #expect(client["allowed_updates"] as? [String] == ["message", "edited_message", "callback_query", "my_chat_member"])
            let staff = try #require(hooks.first { $0.token == "222:staff-token" }?.json)
            #expect(staff["url"] as? String == "https://crema.example.com/telegram/staff")
            #expect(staff["secret_token"] as? String == "staff_secret-2")

            let commands = await fake.calls("setMyCommands")
            #expect(commands.count == 2)
            let russian = try #require(
                commands.first { $0.json["language_code"] as? String == "ru" }?.json["commands"] as? [[String: String]])
            #expect(
                russian.map { $0["command"] ?? "" } == [
                    "start", "profile", "code", "history", "review", "idea", "message", "settings", "invite",
                ])
            #expect(russian[1]["description"] == "Профиль")

            // Each bot's menu button opens its Mini App.
            let menus = await fake.calls("setChatMenuButton")
            let clientMenu = try #require(menus.first { $0.token == "111:client-token" }?.json["menu_button"] as? [String: Any])
            #expect(clientMenu["type"] as? String == "web_app")
            #expect(clientMenu["text"] as? String == "💳 Карта")
            #expect((clientMenu["web_app"] as? [String: String])?["url"] == "https://crema.example.com/miniapp/card")
            let staffMenu = try #require(menus.first { $0.token == "222:staff-token" }?.json["menu_button"] as? [String: Any])
            #expect((staffMenu["web_app"] as? [String: String])?["url"] == "https://crema.example.com/miniapp/till")
        }
    }

    @Test func deleteRemovesBothWebhooks() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            let outcome = try await CremaProcess.run(["set-webhooks", "--delete"], environment: environment(fake, publicBaseURL: nil))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let deletes = await fake.calls("deleteWebhook")
            #expect(Set(deletes.map(\.token)) == ["111:client-token", "222:staff-token"])
            #expect(deletes.allSatisfy { $0.json["drop_pending_updates"] as? Bool == false })
            #expect(await fake.calls("setWebhook").isEmpty)
            let menus = await fake.calls("setChatMenuButton")
            #expect(menus.count == 2 && menus.allSatisfy { ($0.json["menu_button"] as? [String: String])?["type"] == "default" })
        }
    }

    @Test func withoutAPublicAddressItExplainsWhatIsMissing() async throws {
        try await FakeTelegramBotAPI.withRunning { fake in
            let outcome = try await CremaProcess.run(["set-webhooks"], environment: environment(fake, publicBaseURL: nil))
            #expect(outcome.status == 78)
            #expect(outcome.stderr.contains("PUBLIC_BASE_URL is required"))
            #expect(await fake.calls().isEmpty)
        }
    }

    @Test func aRefusedTokenIsReportedOnOneLine() async throws {
        try await FakeTelegramBotAPI.withRunning(acceptedTokens: ["222:staff-token"]) { fake in
            let outcome = try await CremaProcess.run(["set-webhooks"], environment: environment(fake))
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("Telegram refused the client bot's request"))
        }
    }
}

@Suite struct StaffInviteCommandTests {
    @Test func printsAOneTimeLinkToTheStaffBotAndStoresOnlyItsHash() async throws {
        try await withTestDatabase { url in
            try await FakeTelegramBotAPI.withRunning { fake in
                let outcome = try await CremaProcess.run(
                    ["staff-invite", "--role", "manager", "--location", "main"],
                    environment: [
                        "APP_ENV": "test", "LOG_LEVEL": "error", "DATABASE_URL": url.string,
                        "TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString,
                    ])
                #expect(outcome.status == 0, "\(outcome.stderr)")
                let link = try #require(outcome.stdout.split(separator: "\n").first.map(String.init))
                let token = try #require(link.firstMatch(of: /^https:\/\/t\.me\/crema_test_bot\?start=(inv_[A-Za-z0-9_-]{24})$/)?.output.1)
                #expect(outcome.stdout.contains("manager at main"))
                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    #expect(
                        try await fixture.count(
                            "SELECT count(*)::int FROM staff_invites WHERE token_hash = sha256(\(String(token))::bytea) AND role = 'manager'"
                        ) == 1)
                }

                let unknown = try await CremaProcess.run(
                    ["staff-invite", "--role", "manager", "--location", "nowhere"],
                    environment: [
                        "APP_ENV": "test", "LOG_LEVEL": "error", "DATABASE_URL": url.string,
                        "TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString,
                    ])
                #expect(unknown.status == 1 && unknown.stderr.contains("no location with the slug \"nowhere\""))
                let badRole = try await CremaProcess.run(
                    ["staff-invite", "--role", "owner"], environment: ["APP_ENV": "test", "DATABASE_URL": url.string])
                #expect(badRole.status != 0 && badRole.stderr.contains("--role must be barista or manager"))
            }
        }
    }
}
