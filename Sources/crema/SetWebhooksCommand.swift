import ArgumentParser
import Domain
import Foundation
import Handlers
import Runtime
import Store

struct SetWebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-webhooks",
        abstract: "Register both bots' webhooks at PUBLIC_BASE_URL with their secrets (or remove them with --delete)."
    )

    @Flag(help: "Remove both webhooks instead of registering them.")
    var delete = false

    @Flag(help: "Ask Telegram to drop updates that are waiting for delivery.")
    var dropPendingUpdates = false

    /// The update kinds the bots handle; Telegram does not send the others.
    static let allowedUpdates = ["message", "edited_message", "callback_query", "my_chat_member"]

    func run() async throws {
        let bootstrap = Bootstrap.load(label: "crema.webhooks", talksToTelegram: true)
        let telegram = bootstrap.configuration.telegram
        let bots: [(name: String, path: String, bot: OutboxStore.Bot, secret: String)] = [
            ("client", "/telegram/client", .client, telegram.clientWebhookSecret),
            ("staff", "/telegram/staff", .staff, telegram.staffWebhookSecret),
        ]
        guard delete || bootstrap.configuration.publicBaseURL != nil else {
            fail(
                "PUBLIC_BASE_URL is required: Telegram delivers updates to <PUBLIC_BASE_URL>/telegram/client and /telegram/staff", code: 78)
        }
        for bot in bots {
            let api = telegram.api(for: bot.bot)
            do {
                let me = try await api.call("getMe", json: Data("{}".utf8))
                let username = ((try? JSONSerialization.jsonObject(with: me)) as? [String: Any])?["username"] as? String ?? "?"
                if delete {
                    _ = try await api.call("deleteWebhook", ["drop_pending_updates": dropPendingUpdates])
                    _ = try await api.call(
                        "setChatMenuButton", json: try JSONSerialization.data(withJSONObject: ["menu_button": ["type": "default"]]))
                    print("\(bot.name) bot @\(username): webhook removed")
                    continue
                }
                let url = bootstrap.configuration.publicBaseURL!.appendingPathComponent(String(bot.path.dropFirst())).absoluteString
                _ = try await api.call(
                    "setWebhook",
                    json: try JSONSerialization.data(
                        withJSONObject: [
                            "url": url,
                            "secret_token": bot.secret,
                            "allowed_updates": Self.allowedUpdates,
                            "drop_pending_updates": dropPendingUpdates,
                            "max_connections": 40,
                        ] as [String: Any]))
                if bot.name == "client" { try await setClientCommands(api) }
                print("\(bot.name) bot @\(username): webhook set to \(url)")
                try await setMenuButton(api, bot: bot.bot, configuration: bootstrap.configuration)
            } catch {
                fail("Telegram refused the \(bot.name) bot's request: \(error)")
            }
        }
    }

    /// The menu button opens the bot's Mini App: the guest's card, the barista's till. Telegram
    /// opens Mini Apps over HTTPS only; without it the button stays the command list.
    private func setMenuButton(_ api: BotAPIClient, bot: OutboxStore.Bot, configuration: AppConfiguration) async throws {
        let (page, label) = bot == .client ? ("card", "💳 Карта") : ("till", "🧾 Касса")
        guard let url = MiniAppController.url(of: page, configuration: configuration) else {
            print("\(bot.rawValue) bot: PUBLIC_BASE_URL is not https, so the menu button does not open the Mini App")
            return
        }
        let button: [String: Any] = ["type": "web_app", "text": label, "web_app": ["url": url]]
        _ = try await api.call("setChatMenuButton", json: try JSONSerialization.data(withJSONObject: ["menu_button": button]))
        print("\(bot.rawValue) bot: menu button «\(label)» opens \(url)")
    }

    /// Russian for Russian-speaking users, English for everyone else (Telegram's default list).
    private func setClientCommands(_ api: BotAPIClient) async throws {
        for (language, code) in [(Language.en, nil), (.ru, "ru")] as [(Language, String?)] {
            var body: [String: Any] = [
                "commands": ClientBotCommands.list(for: language).map { ["command": $0.command, "description": $0.description] }
            ]
            if let code { body["language_code"] = code }
            _ = try await api.call("setMyCommands", json: try JSONSerialization.data(withJSONObject: body))
        }
    }
}
