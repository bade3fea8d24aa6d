import CremaTestSupport
import Domain
import Foundation
import Logging
import Store
import Synchronization
import Testing

/// Values an attacker (or a slip of the finger) sends, at every admin form field, admin query
/// parameter and bot step of a real `crema serve`: no 5xx, no crash, and the process lives on.
@Suite struct HostileInputLiveTests {
    static let values: [String] = [
        "-9223372036854775808", "9223372036854775807", "18446744073709551616", "1e30", "-1e30", "NaN", "-0", "0x10",
        "300000-01-01", "0000-00-00", "2026-02-30", "\u{0}", "a\u{0}b", "\u{202E}12345", "", " ", "%", "'; DROP TABLE orders; --",
        String(repeating: "я", count: 20_000),
    ]

    /// Every admin form, with the fields it reads (ids in the path name seeded rows).
    static let forms: [(path: String, fields: [String])] = [
        ("/admin/customers/1/points", ["points", "reason"]),
        ("/admin/customers/1/gifts", ["catalog_id", "reason"]),
        ("/admin/customers/1/block", ["reason"]),
        ("/admin/customers/1/anonymise", ["confirm"]),
        ("/admin/orders/1/cancel", ["reason", "back"]),
        ("/admin/gifts/catalog", ["slug", "name", "name_en", "valid_days"]),
        ("/admin/gifts/catalog/1", ["name", "name_en", "valid_days"]),
        ("/admin/gifts/catalog/1/active", ["active"]),
        ("/admin/feedback/1/status", ["status"]),
        ("/admin/feedback/1/reply", ["text"]),
        ("/admin/broadcasts", ["audience", "days", "text", "action"]),
        ("/admin/staff/invite", ["role", "location"]),
        ("/admin/staff/1", ["role", "active"]),
        ("/admin/locations", ["slug", "name"]),
        ("/admin/locations/1", ["name"]),
        ("/admin/locations/2/archived", ["archived"]),
        ("/admin/api-keys", ["name", "location", "scope_orders:read"]),
        ("/admin/language", ["language"]),
        ("/admin/settings", EditableSetting.all.map(\.key)),
    ]

    static let queries: [(path: String, parameters: [String])] = [
        ("/admin", ["days", "location"]),
        ("/admin/customers", ["q", "tier", "before"]),
        ("/admin/customers.csv", ["q", "tier"]),
        ("/admin/orders", ["status", "from", "to", "customer", "location", "before"]),
        ("/admin/feedback", ["status", "before"]),
        ("/admin/gifts", ["before"]),
        ("/admin/audit", ["before"]),
        ("/admin/customers/1", ["done"]),
    ]

    @Test(.timeLimit(.minutes(5)))
    func hostileValuesEverywhereGetAClearAnswerAndTheServerLivesOn() async throws {
        try await withTestDatabase { url in
            let port = try await ClusterScript.freePort()
            let clientSecret = String(repeating: "c", count: 32), staffSecret = String(repeating: "s", count: 32)
            let environment = [
                "APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "error",
                "TELEGRAM_CLIENT_WEBHOOK_SECRET": clientSecret, "TELEGRAM_STAFF_WEBHOOK_SECRET": staffSecret,
            ]
            #expect(try await CremaProcess.run(["seed-demo", "--month"], environment: environment).status == 0)
            let server = try CremaProcess(["serve"], environment: environment)
            defer { server.signal(SIGTERM) }
            let base = "http://127.0.0.1:\(port)"
            try await Self.waitUntilReady(base)
            var failures: [String] = []

            let panel = ServedPanel(base: base)
            try await panel.signIn(email: DemoSeed.adminEmail, password: "crema-demo-2026")
            for (path, parameters) in Self.queries {
                for parameter in parameters {
                    for value in Self.values {
                        let encoded = ServedPanelQuery.encode(value)
                        let answer = try await panel.get("\(path)?\(parameter)=\(encoded)")
                        if answer.status >= 500 { failures.append("GET \(path)?\(parameter)=\(value.prefix(30)): \(answer.status)") }
                    }
                }
            }
            for (path, fields) in Self.forms {
                for field in fields {
                    for value in Self.values {
                        let answer = try await panel.post(path, [field: value])
                        if answer.status >= 500 { failures.append("POST \(path) \(field)=\(value.prefix(30)): \(answer.status)") }
                    }
                }
            }
            #expect(server.isRunning, "the server stopped")

            // Every step of both bots, with the same values typed as messages.
            let staffFlows = [["/start"], ["🧾 Продажа"], ["🎁 Подарок"], ["↩️ Отмена продажи"], ["✉️ Сообщение гостю"], ["📣 Рассылка"]]
            let clientFlows = [["/start"], ["⭐ Отзыв"], ["💡 Идея"], ["✉️ Написать нам"], ["⚙️ Настройки"]]
            let token = "inv_fuzz_manager"
            try await RunningDatabase.with(url: url) { database in
                let store = Store(database: database, logger: Logger(label: "fuzz"), drawCode: { PaymentCode(number: 123_456) })
                _ = try await store.pool.invites.create(role: .manager, locationSlug: "main", createdBy: "test", token: token, at: Date())
            }
            let staff = ServedChat(base: base, bot: "staff", secret: staffSecret, userID: 700_000_001)
            _ = try await staff.send("/start \(token)")
            let guest = ServedChat(base: base, bot: "client", secret: clientSecret, userID: 100_000_001)
            for (chat, flows) in [(staff, staffFlows), (guest, clientFlows)] {
                for flow in flows {
                    for value in Self.values {
                        for step in flow { _ = try await chat.send(step) }
                        let status = try await chat.send(value)
                        if status >= 500 { failures.append("\(chat.bot) bot after \(flow): \(value.prefix(30)): \(status)") }
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(20))")
            #expect(server.isRunning, "the server stopped")
            #expect(try await HTTPProbe.status(of: "\(base)/healthz") == 200)
        }
    }

    static func waitUntilReady(_ base: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = try? await HTTPProbe.status(of: "\(base)/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestHarnessError("crema serve did not become ready at \(base)")
    }
}

enum ServedPanelQuery {
    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// One Telegram user writing to a bot of a running server through its webhook.
final class ServedChat: Sendable {
    let base: String
    let bot: String
    let secret: String
    let userID: Int64
    private let nextUpdate = Mutex<Int64>(1)

    init(base: String, bot: String, secret: String, userID: Int64) {
        self.base = base
        self.bot = bot
        self.secret = secret
        self.userID = userID
    }

    /// Sends a text message; returns the webhook's status.
    func send(_ text: String) async throws -> Int {
        let id = nextUpdate.withLock { value in
            value += 1
            return value
        }
        let update: [String: Any] = [
            "update_id": id,
            "message": [
                "message_id": id, "date": 0, "text": text,
                "chat": ["id": userID, "type": "private"],
                "from": ["id": userID, "is_bot": false, "first_name": "Fuzz", "language_code": "ru"],
            ],
        ]
        let answer = try await HTTPProbe.postJSON(
            "\(base)/telegram/\(bot)", body: try JSONSerialization.data(withJSONObject: update),
            headers: ["X-Telegram-Bot-Api-Secret-Token": secret])
        return answer.status
    }
}
