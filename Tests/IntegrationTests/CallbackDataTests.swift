import Domain
import Foundation
import Testing

@testable import Handlers

/// Every button of both bots prints data that parses back to the same button, within Telegram's
/// 64 bytes, for any ids; and data no route prints is refused.
@Suite struct CallbackDataTests {
    /// One example of every case with the given numbers; the switch below makes a new case a
    /// compile error here until it has an example.
    static func staffExamples(id: Int64, days: Int, nonce: String) -> [StaffCallback] {
        let all: [StaffCallback] =
            [
                .redeemNone, .redeemMaximum, .redeemEnter, .toggleGift(id), .confirmSale(nonce: nonce), .abandon,
                .cancelSale(order: id), .refundSale(order: id), .issueGift(catalogID: id), .redeemGift(id), .audienceEveryone,
                .audienceTierMenu,
                .audienceActive(days: days), .audienceBirthdays, .sendBroadcast(nonce: nonce),
            ] + Tier.allCases.map { .audienceTier($0) }
        for example in all {
            switch example {
            case .redeemNone, .redeemMaximum, .redeemEnter, .toggleGift, .confirmSale, .abandon, .cancelSale, .refundSale, .issueGift,
                .redeemGift, .audienceEveryone, .audienceTierMenu, .audienceTier, .audienceActive, .audienceBirthdays,
                .sendBroadcast:
                break
            }
        }
        return all
    }

    static func clientExamples(id: Int64, rating: Int) -> [ClientCallback] {
        let all: [ClientCallback] = [
            .newCode, .reviewOrder(id), .rate(order: id, rating: rating), .skipBirthday, .skipComment, .cancelInput,
            .toggleLanguage, .promo(on: true), .promo(on: false), .changeBirthday,
        ]
        for example in all {
            switch example {
            case .newCode, .reviewOrder, .rate, .skipBirthday, .skipComment, .cancelInput, .toggleLanguage, .promo, .changeBirthday:
                break
            }
        }
        return all
    }

    @Test func everyStaffButtonRoundTripsForAnyIDs() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let id = Int64.random(in: 1...Int64.max, using: &random)
            let nonce = String((0..<12).map { _ in "0123456789abcdef".randomElement(using: &random)! })
            for button in Self.staffExamples(id: id, days: Int.random(in: 1...365, using: &random), nonce: nonce) {
                #expect(StaffCallback(data: button.data) == button, "\(button.data)")
                #expect(button.data.utf8.count <= 64)
            }
        }
    }

    @Test func everyClientButtonRoundTripsForAnyIDs() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let id = Int64.random(in: 1...Int64.max, using: &random)
            for button in Self.clientExamples(id: id, rating: Int.random(in: 1...10, using: &random)) {
                #expect(ClientCallback(data: button.data) == button, "\(button.data)")
                #expect(button.data.utf8.count <= 64)
            }
        }
    }

    @Test func theDataStaysWhatButtonsAlreadySentCarry() {
        // Buttons in chats outlive a deploy: the printed forms are the ones earlier builds sent.
        #expect(StaffCallback.confirmSale(nonce: "a1b2c3").data == "sc:a1b2c3")
        #expect(StaffCallback.audienceTier(.gold).data == "ba:tier:gold")
        #expect(StaffCallback.audienceTierMenu.data == "ba:tier")
        #expect(StaffCallback.abandon.data == "sx")
        #expect(ClientCallback.reviewOrder(42).data == "rv:42")
        #expect(ClientCallback.rate(order: 42, rating: 7).data == "rate:42:7")
        #expect(ClientCallback.promo(on: false).data == "set:promo:off")
    }

    @Test(arguments: [
        "", "sc", "sc:", "gt:x", "gt:1:2", "ba:tier:diamond", "ba:active:0", "ba:active:366", "rd", "rd:all", "sx:1", "zz:1",
    ])
    func staffDataNoRoutePrintsIsRefused(_ data: String) {
        #expect(StaffCallback(data: data) == nil)
    }

    @Test(arguments: ["", "rv", "rv:x", "rate:1:0", "rate:1:11", "rate:1", "code", "code:old", "set:promo", "cancel:1", "skip"])
    func clientDataNoRoutePrintsIsRefused(_ data: String) {
        #expect(ClientCallback(data: data) == nil)
    }
}
