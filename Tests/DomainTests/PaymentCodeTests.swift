import Domain
import Foundation
import Testing

@Suite struct PaymentCodeTests {
    @Test(arguments: ["123456", "123 456", "123-456", " 12 34 56 "])
    func acceptsTypedCodesWithSpacesOrDashes(text: String) {
        #expect(PaymentCode(typed: text)?.digits == "123456")
    }

    @Test(arguments: ["12345", "1234567", "12a456", "", "１２３４５６"])
    func refusesAnythingButSixDigits(text: String) {
        #expect(PaymentCode(typed: text) == nil)
    }

    @Test func smallNumbersKeepTheirLeadingZeros() {
        #expect(PaymentCode(number: 42).digits == "000042")
        #expect(PaymentCode(number: 42).description == "000 042")
    }
}

@Suite struct CodeValidityTests {
    let issued = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFreshCodeServesAnyTillAndAnExpiredOneNone() {
        let validity = CodeValidity(expiresAt: issued.addingTimeInterval(90))
        #expect(validity.refusal(for: 7, at: issued.addingTimeInterval(89)) == nil)
        #expect(validity.refusal(for: nil, at: issued.addingTimeInterval(89)) == nil)
        #expect(validity.refusal(for: 7, at: issued.addingTimeInterval(90)) == .codeExpired)
    }

    @Test func aHeldCodeServesOnlyItsBaristaUntilTheHoldEnds() {
        let validity = CodeValidity(expiresAt: issued.addingTimeInterval(90), heldBy: 7, heldUntil: issued.addingTimeInterval(310))
        #expect(validity.refusal(for: 7, at: issued.addingTimeInterval(300)) == nil)
        #expect(validity.refusal(for: 8, at: issued.addingTimeInterval(10)) == .codeInUse)
        #expect(validity.refusal(for: nil, at: issued.addingTimeInterval(10)) == .codeInUse)
        #expect(validity.refusal(for: 7, at: issued.addingTimeInterval(310)) == .codeExpired)
        #expect(validity.usableUntil(by: 7) == issued.addingTimeInterval(310))
        #expect(validity.usableUntil(by: 8) == issued.addingTimeInterval(90))
    }
}
