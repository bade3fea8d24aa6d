import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Store
import Testing

@testable import Handlers

/// The panel in Russian by default and in English by choice, remembered per account.
@Suite struct AdminLanguageTests {
    static let templates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Handlers/Resources/admin/templates")

    /// Every `{{#t}}…{{/t}}` text of every template.
    static func templateTexts() throws -> Set<String> {
        var texts: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"\{\{#t\}\}(.*?)\{\{/t\}\}"#)
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { texts.insert(String(text[range])) }
            }
        }
        return texts
    }

    @Test func everyTemplateTextHasItsRussianAndNoRussianIsLeftOver() throws {
        let used = try Self.templateTexts()
        #expect(used.count > 150)
        let missing = used.subtracting(AdminTexts.russian.keys)
        #expect(missing.isEmpty, "no Russian for: \(missing.sorted())")
        let titles: Set = ["Not found", "Signed out", "Not allowed", "Form expired"]
        let unused = Set(AdminTexts.russian.keys).subtracting(used).subtracting(titles)
        #expect(unused.isEmpty, "Russian nothing uses: \(unused.sorted())")
        for (english, russian) in AdminTexts.russian {
            // Tags inside a text survive its translation.
            let tags = { (text: String) in Set(text.matches(of: /\{\{[^}]*\}\}/).map { String($0.output) }) }
            #expect(tags(english) == tags(russian), "\(english)")
            if !english.contains("<") {
                #expect(!russian.contains("\""), "a text without markup may stand in an attribute: \(english)")
            }
        }
    }

    @Test func aNewAccountReadsThePanelInRussian() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "owner@cafe.test", role: .owner, language: .ru)
            let browser = AdminBrowser(client: client)
            let login = try await browser.get("/admin/login")
            #expect(login.contains(#"<html lang="ru">"#) && login.contains("Эл. почта") && login.contains("Войти"))
            let wrong = try await browser.signIn(email: "owner@cafe.test", password: "не тот", language: .ru)
            #expect(wrong.status == 401 && wrong.contains("Неверная эл. почта или пароль."))
            try await browser.signIn(email: "owner@cafe.test", language: .ru)

            let dashboard = try await browser.get("/admin")
            #expect(dashboard.contains("<title>Сводка · Crema</title>"))
            for word in ["Гости", "Заказы", "Подарки", "Отзывы", "Рассылки", "Сотрудники", "Кофейни", "Настройки", "API-ключи", "Журнал"] {
                #expect(dashboard.contains(">\(word)</a>"), "menu: \(word)")
            }
            #expect(dashboard.contains("<span>Средний чек</span>") && dashboard.contains("Гости по уровням"))
            #expect(dashboard.contains("owner@cafe.test · владелец"))

            let settings = try await browser.get("/admin/settings")
            #expect(
                settings.contains("Правила программы")
                    && settings.contains("Баллами можно оплатить до <span class=\"unit\">(% чека)</span>"))
            let refused = try await browser.post("/admin/settings", ["redeem_cap_percent": "150", "time_zone": "Mars/Base"])
            #expect(refused.status == 422)
            #expect(refused.contains("Введите целое число от 0 до 100 (% чека).") && refused.contains("Введите часовой пояс"))
            #expect(refused.contains("Ничего не сохранено: исправьте поля ниже."))

            let loyalty = try await LoyaltyFixture.over(app.database)
            let maria = try await loyalty.guest()
            let card = try await browser.get("/admin/customers/\(maria.id)")
            #expect(card.contains("Начислить или списать баллы") && card.contains(">Стандарт</span>"))
            let points = try await browser.post("/admin/customers/\(maria.id)/points", ["points": "0", "reason": ""])
            #expect(points.contains("Введите целое число баллов, например 50 или -20 (не 0)."))
            let csv = try await browser.get("/admin/customers.csv")
            #expect(csv.html.hasPrefix("номер,telegram_id,телефон,имя,уровень,баллы,зарегистрирован,заблокирован,обезличен\n"))
        }
    }

    @Test func theChoiceOfEnglishIsRememberedForTheAccount() async throws {
        try await TestApp.with { app, client in
            try await AdminBrowser.createAccount(in: app.database, email: "admin@cafe.test", role: .admin, language: .ru)
            let browser = AdminBrowser(client: client)
            try await browser.signIn(email: "admin@cafe.test", language: .ru)
            #expect(
                try await browser.get("/admin/customers").contains(
                    #"<button class="link" name="language" value="en" lang="en">English</button>"#))
            let switched = try await browser.post("/admin/language", ["language": "en"])
            #expect(switched.status == 303)
            let english = try await browser.get("/admin/customers")
            #expect(english.contains(#"<html lang="en">"#) && english.contains(">Customers</a>") && english.contains("Русский"))

            // Another browser, signed in through the Russian sign-in page: still English.
            let phone = AdminBrowser(client: client)
            try await phone.signIn(email: "admin@cafe.test", language: .ru)
            #expect(try await phone.get("/admin").contains("<title>Dashboard · Crema</title>"))
            let loyalty = try await LoyaltyFixture.over(app.database)
            #expect(try await loyalty.count("SELECT count(*)::int FROM admins WHERE email = 'admin@cafe.test' AND language = 'en'") == 1)
        }
    }
}
