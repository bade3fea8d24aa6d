import CremaTestSupport
import Foundation
import Store
import Testing

/// The real `crema serve` process with its background jobs, against the fake Bot API: what the
/// webhook queues reaches Telegram through the instance's own outbox sender.
@Suite struct ClientBotLiveTests {
    @Test(.timeLimit(.minutes(3)))
    func aServedInstanceDeliversTheReceiptAndQueuedRepliesThroughItsOutbox() async throws {
        try await withTestDatabase { url in
            try await FakeTelegramBotAPI.withRunning { fake in
                let port = try await ClusterScript.freePort()
                let secret = "live_client_secret"
                let server = try CremaProcess(
                    ["serve"],
                    environment: [
                        "APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "warning",
                        "TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString, "TELEGRAM_CLIENT_WEBHOOK_SECRET": secret,
                        "TELEGRAM_CLIENT_BOT_TOKEN": "111:client",
                    ])
                defer { server.signal(SIGTERM) }
                try await waitUntilReady(port: port)

                let update = try Fixtures.telegramUpdate("contact_own")
                let registered = try await HTTPProbe.postJSON(
                    "http://127.0.0.1:\(port)/telegram/client", body: update,
                    headers: ["X-Telegram-Bot-Api-Secret-Token": secret]
                )
                #expect(registered.status == 200)
                #expect(String(decoding: registered.body, as: UTF8.self).contains(#""method":"sendMessage""#))

                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    let maria = try #require(try await fixture.store.customer(telegramID: 111_111_111))
                    let barista = try await fixture.staff(.barista)
                    let confirmed = ContinuousClock.now
                    let sale = try await fixture.sell(to: maria, rubles: 420, by: barista, at: Date())

                    // The staff bot issue's promise: the receipt reaches Telegram within 2 s of the confirm.
                    let receipt = try await waitForCall(fake, "sendMessage", deadline: .seconds(2))
                    let latency = receipt.receivedAt - confirmed
                    print("receipt reached the fake Bot API \(latency.formatted(.units(allowed: [.milliseconds]))) after the confirm")
                    #expect(receipt.token == "111:client")
                    #expect(receipt.chatID == 111_111_111)
                    #expect(receipt.text?.hasPrefix("Спасибо за покупку! Заказ №\(sale.orderID)") == true)
                    let button = (receipt.json["reply_markup"] as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]]
                    #expect(button?.first?.first?["callback_data"] as? String == "rv:\(sale.orderID)")
                    // The sender marks the row after Telegram's answer, a moment after the fake saw the call.
                    let marked = ContinuousClock.now + .seconds(5)
                    while try await fixture.count("SELECT count(*)::int FROM outbox WHERE status = 'sent'") == 0,
                        ContinuousClock.now < marked
                    {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(try await fixture.count("SELECT count(*)::int FROM outbox WHERE status = 'sent'") == 1)
                }
            }
        }
    }

    func waitUntilReady(port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let status = try? await HTTPProbe.status(of: "http://127.0.0.1:\(port)/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestHarnessError("crema serve did not become ready on port \(port)")
    }

    func waitForCall(_ fake: FakeTelegramBotAPI, _ method: String, deadline: Duration) async throws -> RecordedCall {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            if let call = await fake.calls(method).first { return call }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestHarnessError("no \(method) reached the fake Bot API within \(deadline)")
    }
}
