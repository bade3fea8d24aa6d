import CremaTestSupport
import Domain
import Foundation
import Runtime
import Store
import Testing

/// The client bot driven through its real webhook route, asserting what the guest would see
/// (the reply and queued messages) and what the database holds afterwards.
@Suite struct ClientBotTests {
    func withBot<Result: Sendable>(
        languageCode: String? = "ru",
        _ body: @Sendable (TestApp, BotUser, LoyaltyFixture) async throws -> Result
    ) async throws -> Result {
        try await TestApp.with { app, client in
            let chat = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret, languageCode: languageCode)
            return try await body(app, chat, try await LoyaltyFixture.over(app.database))
        }
    }

    /// Registers the chat's user through the bot and skips the birthday question.
    func register(_ chat: BotUser) async throws {
        try await chat.send(text: "/start")
        try await chat.sendOwnContact()
        try await chat.press("skip:bday")
    }

    @Test func startAsksAnUnregisteredGuestToShareTheirPhoneInRussian() async throws {
        try await withBot { _, chat, fixture in
            let answer = try await chat.send(text: "/start")
            #expect(answer.status == 200)
            #expect(answer.method == "sendMessage")
            #expect(answer.json["chat_id"] as? Int == 111_111_111)
            #expect(answer.text?.hasPrefix("Здравствуйте, Мария!") == true)
            let button = try #require((answer.markup?["keyboard"] as? [[[String: Any]]])?.first?.first)
            #expect(button["request_contact"] as? Bool == true)
            #expect(button["text"] as? String == "📱 Поделиться номером")
            #expect(try await fixture.count("SELECT count(*)::int FROM customers") == 0)
        }
    }

    @Test func startSpeaksEnglishToAGuestWhoseTelegramIsNotRussian() async throws {
        try await withBot(languageCode: "en-GB") { _, chat, _ in
            let answer = try await chat.send(text: "/start")
            #expect(answer.text?.hasPrefix("Hello, Мария!") == true)
            #expect(answer.keyboardButtons == ["📱 Share phone"])
        }
    }

    @Test func ownContactRegistersTheGuestInE164AndAsksForTheBirthday() async throws {
        try await withBot { _, chat, fixture in
            let answer = try await chat.sendOwnContact(phone: "79000000000")
            #expect(answer.text?.contains("вы в программе") == true)
            #expect(answer.text?.contains("ДД.ММ.ГГГГ") == true)
            #expect(answer.inlineData == ["skip:bday"])
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM customers WHERE phone = '+79000000000' AND telegram_id = 111111111 AND language = 'ru'") == 1
            )
            #expect(
                try await fixture.count("SELECT count(*)::int FROM conversations WHERE chat_id = 111111111 AND state = 'birth_date'") == 1)

            let birthday = try await chat.send(text: "14.03.1995")
            #expect(birthday.text == "Дата рождения сохранена: 14.03.1995.")
            #expect(birthday.keyboardButtons.contains("👤 Профиль"))
            #expect(
                try await fixture.count("SELECT count(*)::int FROM customers WHERE birth_date = '1995-03-14' AND birth_date_changes = 0")
                    == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM conversations") == 0)
        }
    }

    @Test func someoneElsesContactOrATypedCardIsRefused() async throws {
        try await withBot { _, chat, fixture in
            let foreign = try await chat.post(chat.contactUpdate(phone: "+7 900 000 00 01", ownerID: 333_333_333))
            #expect(foreign.text?.hasPrefix("Можно зарегистрироваться только со своим номером") == true)
            let typed = try await chat.post(chat.contactUpdate(phone: "+79000000002", ownerID: nil))
            #expect(typed.text?.hasPrefix("Этот контакт не привязан к аккаунту Telegram") == true)
            #expect(try await fixture.count("SELECT count(*)::int FROM customers") == 0)
        }
    }

    @Test func aPhoneRegisteredToAnotherAccountIsRefusedPolitely() async throws {
        try await withBot { app, chat, fixture in
            _ = try await fixture.guest(222_222_222)  // phone +79002222222
            let answer = try await chat.sendOwnContact(phone: "+7 900 222-22-22")
            #expect(answer.status == 200)
            #expect(answer.text?.hasPrefix("Этот номер уже зарегистрирован") == true)
            #expect(answer.text?.hasSuffix("Если это ваш номер, обратитесь к сотрудникам кофейни.") == true)
            #expect(answer.keyboardButtons == ["📱 Поделиться номером"], "the guest keeps a way on")
            #expect(try await fixture.count("SELECT count(*)::int FROM customers") == 1)
        }
    }

    @Test func anImpossibleBirthDateIsAskedAgain() async throws {
        try await withBot { _, chat, fixture in
            try await chat.sendOwnContact()
            for typed in ["31.02.1990", "1990-03-14", "14.03.2030", "01.01.1800"] {
                let answer = try await chat.send(text: typed)
                #expect(answer.text?.hasPrefix("Не похоже на дату рождения") == true, "\(typed)")
            }
            #expect(try await fixture.count("SELECT count(*)::int FROM customers WHERE birth_date IS NULL") == 1)
        }
    }

    @Test func profileShowsTierBalanceSpendToNextTierAndGiftsWithExpiry() async throws {
        try await withBot { _, chat, fixture in
            try await register(chat)
            let maria = try #require(try await fixture.store.customer(telegramID: 111_111_111))
            let barista = try await fixture.staff(.barista)
            try await fixture.sell(to: maria, rubles: 1_250, by: barista)
            let drink = try #require(try await fixture.store.giftCatalog().first { $0.slug == "drink" })
            _ = try await fixture.store.issueGift(
                customerID: maria.id, catalogID: drink.id, reason: "welcome", by: barista, at: TestDefaults.now)

            let answer = try await chat.send(text: "Профиль")
            let text = try #require(answer.text)
            #expect(text.contains("Уровень: Стандарт"))
            #expect(text.contains("Баланс: 12 баллов"))
            #expect(text.contains("До уровня «Серебро» осталось 13\u{202F}750 ₽ покупок."))
            #expect(text.contains("🎁 Напиток — до 25.12.2026"))
            #expect(!text.contains("сгор"))
        }
    }

    @Test func profileSaysHowManyPointsExpireOnWhichDayWhenTheyExpire() async throws {
        try await withBot { _, chat, fixture in
            _ = try await fixture.count("UPDATE settings SET value = to_jsonb(3) WHERE key = 'points_validity_months' RETURNING 1")
            try await register(chat)
            let maria = try #require(try await fixture.store.customer(telegramID: 111_111_111))
            try await fixture.sell(to: maria, rubles: 2_100, by: try await fixture.staff(.barista))
            let text = try #require(try await chat.send(text: "Профиль").text)
            #expect(text.contains("Баланс: 21 балл\n⏳ 21 балл сгорит 25.02.2027\n"), "\(text)")
        }
    }

    @Test func codeButtonGivesASixDigitCodeAndNewCodeReplacesIt() async throws {
        try await withBot { app, chat, fixture in
            try await register(chat)
            let first = try await chat.send(text: "🔢 Код оплаты")
            let text = try #require(first.text)
            #expect(text.contains("Покажите его бариста — код действует 90 секунд (до 09:01)."))
            #expect(first.inlineData == ["code:new"])
            let firstCode = try #require(text.firstMatch(of: /(\d{3}) (\d{3})/)).output
            #expect(
                try await fixture.count("SELECT count(*)::int FROM payment_codes WHERE code = \(String(firstCode.1 + firstCode.2))") == 1)

            let pressed = try await chat.press("code:new", messageID: 42)
            #expect(pressed.method == "answerCallbackQuery")
            let edit = try #require(try await OutboxRows(app.database).all().last)
            #expect(edit.method == "editMessageText")
            #expect(edit.payload["message_id"] as? Int == 42)
            let newText = try #require(edit.payload["text"] as? String)
            let secondCode = try #require(newText.firstMatch(of: /(\d{3}) (\d{3})/)).output
            #expect(secondCode.0 != firstCode.0)
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes") == 1)
            #expect(
                try await fixture.count("SELECT count(*)::int FROM payment_codes WHERE code = \(String(secondCode.1 + secondCode.2))") == 1)
        }
    }

    /// With a public HTTPS address, the code message also opens the card Mini App (its QR).
    @Test func theCodeMessageOpensTheCardMiniAppWhenThereIsAnHTTPSAddress() async throws {
        try await TestApp.with(environment: ["PUBLIC_BASE_URL": "https://crema.example.com"]) { app, client in
            let chat = BotUser(client: client, secret: app.configuration.telegram.clientWebhookSecret, languageCode: "ru")
            try await register(chat)
            let code = try await chat.send(text: "🔢 Код оплаты")
            let rows = try #require(code.markup?["inline_keyboard"] as? [[[String: Any]]])
            #expect(rows.first?.first?["text"] as? String == "📱 QR-код и карта")
            #expect((rows.first?.first?["web_app"] as? [String: String])?["url"] == "https://crema.example.com/miniapp/card")
            #expect(rows.first?.first?["callback_data"] == nil)
            #expect(code.inlineData == ["code:new"])
        }
        try await withBot { _, chat, _ in
            try await register(chat)
            let code = try await chat.send(text: "🔢 Код оплаты")
            #expect(!String(decoding: code.body, as: UTF8.self).contains("web_app"), "no HTTPS address, no Mini App button")
        }
    }

    @Test func historyListsTheLatestOperations() async throws {
        try await withBot { _, chat, fixture in
            try await register(chat)
            let maria = try #require(try await fixture.store.customer(telegramID: 111_111_111))
            let barista = try await fixture.staff(.barista)
            let sale = try await fixture.sell(to: maria, rubles: 500, by: barista)
            let answer = try await chat.send(text: "/history")
            #expect(answer.text == "Последние операции:\n25.11.2026 · заказ №\(sale.orderID) на 500 ₽ · +5 баллов")
        }
    }

    @Test func aReviewRatesTheOrderTakesACommentAndAlertsManagersWhenLow() async throws {
        try await withBot { app, chat, fixture in
            try await register(chat)
            let maria = try #require(try await fixture.store.customer(telegramID: 111_111_111))
            let barista = try await fixture.staff(.barista)
            let manager = try await fixture.staff(.manager, name: "Анна")
            _ = try await fixture.count("UPDATE staff SET telegram_id = 555 WHERE id = \(Int64(manager.id)!) RETURNING 1")
            let sale = try await fixture.sell(to: maria, rubles: 300, by: barista)

            let prompt = try await chat.send(text: "⭐ Отзыв")
            #expect(prompt.text == "Оцените визит (заказ №\(sale.orderID)) от 1 до 10:")
            #expect(prompt.inlineData.count == 10)
            #expect(prompt.inlineData.last == "rate:\(sale.orderID):10")

            let rated = try await chat.press("rate:\(sale.orderID):4")
            #expect(rated.method == "answerCallbackQuery")
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM feedback WHERE kind = 'review' AND rating = 4 AND order_id = \(sale.orderID)") == 1)
            let comment = try await chat.send(text: "Кофе был холодный")
            #expect(comment.text == "Спасибо, комментарий передан команде кофейни.")
            #expect(try await fixture.count("SELECT count(*)::int FROM feedback WHERE body = 'Кофе был холодный'") == 1)

            let again = try await chat.press("rate:\(sale.orderID):10")
            #expect(again.json["text"] as? String == "Этот визит вы уже оценили. Спасибо!")

            let alerts = try await OutboxRows(app.database).all().filter { $0.bot == "staff" }
            #expect(alerts.map(\.chatID) == [555, 555])
            #expect(alerts.map { $0.payload["template"] as? String } == ["review_alert", "review_comment"])
        }
    }

    @Test func anIdeaAndAMessageToManagementAreStoredAndConfirmed() async throws {
        try await withBot { app, chat, fixture in
            try await register(chat)
            let idea = try await chat.send(text: "💡 Идея")
            #expect(idea.inlineData == ["cancel"])
            let ideaSaved = try await chat.send(text: "Добавьте овсяное молоко")
            #expect(ideaSaved.text == "Спасибо за идею! Мы её обязательно прочитаем.")
            try await chat.send(text: "✉️ Написать нам")
            let messageSaved = try await chat.send(text: "Спасибо за вчерашний вечер")
            #expect(messageSaved.text == "Сообщение отправлено руководству. Ответ придёт сюда.")
            #expect(
                try await fixture.count(
                    "SELECT count(*)::int FROM feedback WHERE kind = 'idea' AND body = 'Добавьте овсяное молоко' AND status = 'new'") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM feedback WHERE kind = 'message'") == 1)
        }
    }

    @Test func settingsSwitchLanguagePromotionsAndBirthDateOnce() async throws {
        try await withBot { app, chat, fixture in
            try await register(chat)
            let settings = try await chat.send(text: "⚙️ Настройки")
            #expect(settings.text?.contains("Акции и новости: включены") == true)
            #expect(settings.inlineData == ["set:lang", "set:promo:off", "set:bday"])
            let birthdayButton = { (answer: BotAnswer) in
                ((answer.markup?["inline_keyboard"] as? [[[String: Any]]])?.last?.first?["text"] as? String)
            }
            #expect(birthdayButton(settings) == "🎂 Указать дату рождения")

            let promo = try await chat.press("set:promo:off", messageID: 50)
            #expect(promo.json["text"] as? String == "Больше не будем присылать акции. Чеки и подарки по-прежнему придут.")
            #expect(try await fixture.count("SELECT count(*)::int FROM customers WHERE NOT promo_opt_in") == 1)

            try await chat.press("set:bday")
            try await chat.send(text: "01.02.1990")
            #expect(birthdayButton(try await chat.send(text: "⚙️ Настройки")) == "🎂 Изменить дату рождения")
            try await chat.press("set:bday")
            try await chat.send(text: "02.02.1990")
            let third = try await chat.press("set:bday")
            #expect(
                third.json["text"] as? String
                    == "Дату рождения можно изменить только один раз — вы это уже сделали. Если нужна помощь, напишите нам.")
            #expect(
                try await fixture.count("SELECT count(*)::int FROM customers WHERE birth_date = '1990-02-02' AND birth_date_changes = 1")
                    == 1)

            try await chat.press("set:lang")
            #expect(try await fixture.count("SELECT count(*)::int FROM customers WHERE language = 'en'") == 1)
            let menu = try #require(try await OutboxRows(app.database).all().last)
            #expect(menu.payload["text"] as? String == "Language: English.")
            let english = try await chat.send(text: "👤 Profile")
            #expect(english.text?.contains("Tier: Standard") == true)
        }
    }

    @Test func aRedeliveredUpdateDoesNothingTwice() async throws {
        try await withBot { _, chat, fixture in
            let update = chat.contactUpdate(ownerID: chat.userID)
            let first = try await chat.post(update)
            let second = try await chat.post(update)
            #expect(first.method == "sendMessage")
            #expect(second.status == 200)
            #expect(second.body.isEmpty)
            #expect(try await fixture.count("SELECT count(*)::int FROM customers") == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM telegram_updates") == 1)
        }
    }

    @Test func concurrentDuplicatesOfOneUpdateApplyOnce() async throws {
        try await withBot { _, chat, fixture in
            try await register(chat)
            let update = try JSONSerialization.data(withJSONObject: chat.messageUpdate(["text": "/code"]))
            let answers = try await withThrowingTaskGroup(of: BotAnswer.self) { group in
                for _ in 0..<6 { group.addTask { try await chat.post(raw: update) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 })
            #expect(answers.filter { $0.method == "sendMessage" }.count == 1)
            #expect(try await fixture.count("SELECT count(*)::int FROM payment_codes") == 1)
        }
    }

    @Test func blockingTheBotMarksTheGuestUnreachableAndWritingAgainClearsIt() async throws {
        try await withBot { _, chat, fixture in
            try await register(chat)
            let kicked = try JSONSerialization.jsonObject(with: try Fixtures.telegramUpdate("my_chat_member_kicked")) as! [String: Any]
            let answer = try await chat.post(kicked)
            #expect(answer.status == 200 && answer.body.isEmpty)
            #expect(try await fixture.count("SELECT count(*)::int FROM customers WHERE unreachable_at IS NOT NULL") == 1)
            try await chat.send(text: "Профиль")
            #expect(try await fixture.count("SELECT count(*)::int FROM customers WHERE unreachable_at IS NOT NULL") == 0)
        }
    }

    @Test func unsupportedContentGetsAHintAndGroupsGetOneLine() async throws {
        try await withBot { _, chat, fixture in
            let photo = try await chat.post(
                JSONSerialization.jsonObject(with: try Fixtures.telegramUpdate("photo_message")) as! [String: Any])
            #expect(photo.text == "Я понимаю только текст и кнопки меню. Выберите действие внизу.")
            let group = try await chat.post(
                JSONSerialization.jsonObject(with: try Fixtures.telegramUpdate("group_message")) as! [String: Any])
            #expect(group.text == "Я работаю только в личных сообщениях — напишите мне напрямую.")
            #expect(group.json["chat_id"] as? Int == -1_001_234_567_890)
            let edited = try await chat.post(
                JSONSerialization.jsonObject(with: try Fixtures.telegramUpdate("edited_message")) as! [String: Any])
            #expect(edited.status == 200 && edited.body.isEmpty)
            #expect(try await fixture.count("SELECT count(*)::int FROM customers") == 0)
        }
    }

    @Test func aStaleButtonIsAnsweredPolitely() async throws {
        try await withBot { _, chat, _ in
            let unregistered = try await chat.press("rate:42:10")
            #expect(unregistered.method == "answerCallbackQuery")
            #expect(unregistered.json["text"] as? String == "Эта кнопка устарела. Откройте меню заново.")
            try await register(chat)
            let unknownOrder = try await chat.press("rate:42:10")
            #expect(unknownOrder.json["text"] as? String == "Эта кнопка устарела. Откройте меню заново.")
            let garbage = try await chat.press("zz:\u{1F600}")
            #expect(garbage.json["text"] as? String == "Эта кнопка устарела. Откройте меню заново.")
        }
    }
}
