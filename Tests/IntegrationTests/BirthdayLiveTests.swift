import CremaTestSupport
import Domain
import Foundation
import Store
import Testing

/// The real `crema serve`, with its background jobs, on 28 February 2027 (not a leap year): the
/// birthday gifts and their messages go out by themselves, soon after start-up.
@Suite struct BirthdayLiveTests {
    /// 2027-02-28 09:00 in Moscow.
    static let morning = Date(timeIntervalSince1970: 1_803_794_400)
    static let today = CalendarDate(year: 2027, month: 2, day: 28)

    @Test(.timeLimit(.minutes(3)))
    func aServedInstanceGivesTodaysBirthdayGiftsWithNoOneAsking() async throws {
        try await withTestDatabase { url in
            try await FakeTelegramBotAPI.withRunning { fake in
                let olegID = try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    let maria = try await fixture.guest(111_111_111, name: "Мария")
                    try await born(maria, 1990, 2, 28, fixture)
                    let leapling = try await fixture.store.registerCustomer(
                        .init(telegramID: 222_222_222, phone: PhoneNumber(normalizing: "+79002222222")!, firstName: "Leo", language: .en),
                        at: Self.morning
                    )
                    try await born(leapling, 2000, 2, 29, fixture)
                    let oleg = try await fixture.guest(333_333_333, name: "Олег")
                    try await born(oleg, 1985, 2, 28, fixture)
                    _ = try await fixture.count(
                        """
                        INSERT INTO customer_gifts (customer_id, catalog_id, name, name_en, reason, actor_kind, actor_id, issued_at, expires_at, birthday_year)
                        SELECT \(oleg.id), id, name, name_en, 'birthday', 'system', 'birthday-job', now(), now() + interval '7 days', 2027
                        FROM gift_catalog WHERE slug = 'drink' RETURNING 1
                        """
                    )
                    let anna = try await fixture.guest(444_444_444, name: "Анна")
                    try await born(anna, 1991, 3, 1, fixture)
                    return oleg.id
                }

                let port = try await ClusterScript.freePort()
                let server = try CremaProcess(
                    ["serve"],
                    environment: [
                        "APP_ENV": "test", "DATABASE_URL": url.string, "PORT": String(port), "LOG_LEVEL": "warning",
                        "TELEGRAM_API_BASE_URL": fake.baseURL.absoluteString, "TELEGRAM_CLIENT_BOT_TOKEN": "111:client",
                        "CREMA_TEST_CLOCK_START": "2027-02-28T06:00:00Z",
                    ])
                defer { server.signal(SIGTERM) }

                let messages = try await fake.messages(atLeast: 2)
                #expect(messages.count == 2)
                #expect(
                    messages.first { $0.chatID == 111_111_111 }?.text == "С днём рождения! 🎂 Ваш подарок: Напиток. Действует до 07.03.2027."
                )
                #expect(messages.first { $0.chatID == 222_222_222 }?.text == "Happy birthday! 🎂 Your gift: Drink. Valid until 07.03.2027.")

                try await RunningDatabase.with(url: url) { database in
                    let fixture = try await LoyaltyFixture.over(database)
                    #expect(try await fixture.count("SELECT count(*)::int FROM customer_gifts WHERE birthday_year = 2027") == 3)
                    #expect(try await fixture.count("SELECT count(*)::int FROM customer_gifts WHERE customer_id = \(olegID)") == 1)
                }
            }
        }
    }

    func born(_ guest: Customer, _ year: Int, _ month: Int, _ day: Int, _ fixture: LoyaltyFixture) async throws {
        try await fixture.store.changeBirthDate(
            customerID: guest.id, to: CalendarDate(year: year, month: month, day: day), today: Self.today, at: Self.morning
        )
    }
}
