import CremaTestSupport
import Domain
import Foundation
import HummingbirdTesting
import Store
import Testing

/// A setting saved in the panel of one instance rules the next request on another, with no
/// restart: every rule reads the settings table when it applies.
@Suite struct SettingsLiveTests {
    @Test func aSettingSavedOnOneInstanceRulesTheNextRequestOnAnother() async throws {
        try await withTestDatabase { url in
            let panelInstance = try TestApp(databaseURL: url)
            let tillInstance = try TestApp(databaseURL: url)
            try await panelInstance.application().test(.router) { panelClient in
                try await tillInstance.application().test(.router) { tillClient in
                    let fixture = try await LoyaltyFixture.over(tillInstance.database)
                    let desk = StaffDesk(app: tillInstance, client: tillClient, fixture: fixture)
                    let barista = try await desk.bind(.barista, userID: 500)
                    let maria = try await fixture.guest()

                    let owner = try await AdminPagesTests.signedIn(panelInstance, panelClient, role: .owner)
                    let saved = try await owner.post(
                        "/admin/settings", ["maximum_sale_kopecks": "500", "wrong_code_limit_per_minute": "1"])
                    #expect(saved.status == 303)

                    let code = try await fixture.store.issueCode(customerID: maria.id, at: tillInstance.clock.now).code
                    try await barista.send(text: code.digits)
                    #expect(
                        try await barista.send(text: "600").text == "Сумма больше допустимой (500 ₽). Проверьте и введите снова.")
                    try await barista.send(text: "/start")
                    let wrong = code.digits == "000000" ? "000001" : "000000"
                    #expect(try await barista.send(text: wrong).text?.hasPrefix("Код не найден.") == true)
                    #expect(try await barista.send(text: code.digits).text?.hasPrefix("Слишком много неверных кодов.") == true)
                }
            }
        }
    }
}
