import CremaTestSupport
import Foundation
import Store
import Synchronization
import Testing

/// Bring a friend end to end through the real `crema serve` and its webhooks, with the fake Bot
/// API at the boundary: a guest gets their invite link, a friend registers through it and buys at
/// the staff bot's till, and both are told of their points by the instance's own outbox.
@Suite struct ReferralLiveTests {
    static let clientSecret = "live_client_secret"
    static let staffSecret = "live_staff_secret"

    @Test(.timeLimit(.minutes(2)))
    func aGuestInvitesAFriendWhoRegistersAndBuysAndBothAreRewarded() async throws {
        try await withTestDatabase { url in
            try await FakeTelegramBotAPI.withRunning { fake in
                let port = try await ClusterScript.freePort()
                let server = try CremaProcess(
                    ["serve"],
                    environment: [
                        "APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "warning",
                        "TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString,
                        "TELEGRAM_CLIENT_WEBHOOK_SECRET": Self.clientSecret, "TELEGRAM_CLIENT_BOT_TOKEN": "111:client",
                        "TELEGRAM_STAFF_WEBHOOK_SECRET": Self.staffSecret, "TELEGRAM_STAFF_BOT_TOKEN": "222:staff",
                    ])
                defer { server.signal(SIGTERM) }
                try await ClientBotLiveTests().waitUntilReady(port: port)
                let client = LiveChat(port: port, path: "/telegram/client", secret: Self.clientSecret)
                let staff = LiveChat(port: port, path: "/telegram/staff", secret: Self.staffSecret)

                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    _ = try await CampaignStore(database: database, logger: fixture.logger).create(
                        name: "Приведи друга",
                        rule: .referral(.init(referrerPoints: 100, friendPoints: 50, minimumKopecks: 30_000, monthlyCap: 5)),
                        createdBy: "admin:owner", at: Date())
                    _ = try await fixture.count(
                        """
                        INSERT INTO staff (display_name, role, location_id, telegram_id)
                        VALUES ('Олег', 'barista', \(fixture.mainLocationID), 555555555) RETURNING 1
                        """)

                    let maria = LiveChat.User(id: 111_111_111, name: "Мария")
                    try await client.send(maria, text: "/start")
                    try await client.share(maria, phone: "+7 900 111-11-11")
                    // The bot's name is asked of Telegram in the background: the link carries it once known.
                    var reply = try await client.send(maria, text: "/invite")
                    let named = ContinuousClock.now + .seconds(30)
                    while !reply.text.contains("https://t.me/"), ContinuousClock.now < named {
                        try await Task.sleep(for: .milliseconds(200))
                        reply = try await client.send(maria, text: "/invite")
                    }
                    let invite = reply.text
                    let link = try #require(invite.firstMatch(of: /https:\/\/t\.me\/crema_test_bot\?start=(ref_[a-z0-9]{10})/), "\(invite)")

                    // "Send to a friend" opens Telegram's share page with the link and a line ready.
                    let share = try #require(reply.links.first, "\(reply.json)")
                    #expect(share.hasPrefix("https://t.me/share/url?url=https%3A%2F%2Ft.me%2Fcrema_test_bot%3Fstart%3D\(link.1)&text="))
                    #expect(
                        share.removingPercentEncoding?.hasSuffix(
                            "по этому приглашению после первой покупки от 300 ₽ получишь 50 баллов.") == true, "\(share)")

                    let anna = LiveChat.User(id: 222_222_222, name: "Анна")
                    try await client.send(anna, text: "/start \(link.1)")
                    let registered = try await client.share(anna, phone: "+7 900 222-22-22").text
                    #expect(registered.contains("Вас пригласил(а) Мария"), "\(registered)")

                    let codeMessage = try await client.send(anna, text: "/code").text
                    let code = try #require(codeMessage.firstMatch(of: /\d{3} \d{3}/), "\(codeMessage)")
                    let oleg = LiveChat.User(id: 555_555_555, name: "Олег")
                    try await staff.send(oleg, text: code.0.filter(\.isNumber))
                    var quote = try await staff.send(oleg, text: "450")
                    if quote.buttons.contains("rd:none") { quote = try await staff.press(oleg, "rd:none") }
                    let confirm = try #require(quote.buttons.first { $0.hasPrefix("sc:") }, "\(quote.buttons)")
                    try await staff.press(oleg, confirm)

                    let toAnna = try await fake.waitForMessage(to: 222_222_222, containing: "🤝 Спасибо за первую покупку по приглашению")
                    #expect(
                        toAnna.hasPrefix("🤝 Спасибо за первую покупку по приглашению! По акции «Приведи друга» вам начислено 50 баллов."))
                    let toMaria = try await fake.waitForMessage(to: 111_111_111, containing: "🤝 Анна")
                    #expect(
                        toMaria
                            == "🤝 Анна сделал(а) первую покупку по вашему приглашению. По акции «Приведи друга» вам начислено 100 баллов.\nБаланс: 100 баллов"
                    )
                    _ = try await fake.waitForMessage(to: 222_222_222, containing: "Спасибо за покупку!")
                    #expect(try await fixture.store.customer(telegramID: maria.id)?.account.balance == 100)
                    #expect(try await fixture.checkLedger().isClean)
                }
            }
        }
    }
}

/// One bot's webhook on a served instance, written to as Telegram would.
struct LiveChat {
    struct User {
        var id: Int64
        var name: String
    }

    /// The bot's answer in the webhook's response: its text and inline buttons.
    struct Reply {
        var json: [String: Any]
        var text: String { json["text"] as? String ?? "" }
        var buttons: [String] { inline.compactMap { $0["callback_data"] as? String } }
        var links: [String] { inline.compactMap { $0["url"] as? String } }
        private var inline: [[String: Any]] {
            ((json["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]] ?? []).flatMap { $0 }
        }
    }

    let port: Int
    let path: String
    let secret: String
    private static let updates = UpdateNumbers()

    @discardableResult
    func send(_ user: User, text: String) async throws -> Reply {
        try await post(user, ["message": message(user, ["text": text])])
    }

    @discardableResult
    func share(_ user: User, phone: String) async throws -> Reply {
        try await post(user, ["message": message(user, ["contact": ["phone_number": phone, "first_name": user.name, "user_id": user.id]])])
    }

    @discardableResult
    func press(_ user: User, _ data: String) async throws -> Reply {
        let message: [String: Any] = [
            "message_id": 7, "date": 1_764_000_000, "text": "…", "chat": ["id": user.id, "type": "private"],
            "from": ["id": 7_000_000_002, "is_bot": true, "first_name": "Crema"],
        ]
        return try await post(
            user,
            [
                "callback_query": [
                    "id": "cb\(Self.updates.next())", "from": sender(user), "message": message, "chat_instance": "1", "data": data,
                ]
            ])
    }

    private func sender(_ user: User) -> [String: Any] {
        ["id": user.id, "is_bot": false, "first_name": user.name, "language_code": "ru"]
    }

    private func message(_ user: User, _ fields: [String: Any]) -> [String: Any] {
        var message: [String: Any] = [
            "message_id": Self.updates.next(), "date": 1_764_000_000, "from": sender(user),
            "chat": ["id": user.id, "type": "private", "first_name": user.name],
        ]
        message.merge(fields) { _, new in new }
        return message
    }

    private func post(_ user: User, _ update: [String: Any]) async throws -> Reply {
        var update = update
        update["update_id"] = Self.updates.next()
        let answer = try await HTTPProbe.postJSON(
            "http://127.0.0.1:\(port)\(path)", body: try JSONSerialization.data(withJSONObject: update),
            headers: ["X-Telegram-Bot-Api-Secret-Token": secret])
        #expect(answer.status == 200)
        let json = answer.body.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] ?? [:])
        return Reply(json: json)
    }
}

/// Update and message numbers, unique within the test process.
private final class UpdateNumbers: Sendable {
    private let counter = Mutex<Int64>(800_000_000)

    func next() -> Int64 {
        counter.withLock { value in
            value += 1
            return value
        }
    }
}

extension FakeTelegramBotAPI {
    /// The text of the first message to `chat` containing `fragment`, waiting up to 30 s for it (the
    /// parallel suite can keep the instance busy).
    func waitForMessage(to chat: Int64, containing fragment: String) async throws -> String {
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            if let text = await calls("sendMessage").first(where: { $0.chatID == chat && $0.text?.contains(fragment) == true })?.text {
                return text
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestHarnessError("no message to \(chat) containing «\(fragment)» reached the fake Bot API")
    }
}
