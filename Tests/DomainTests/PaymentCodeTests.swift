import Domain
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
