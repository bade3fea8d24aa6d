import Domain
import Testing

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("79000000000", "+79000000000"),
        ("+79000000000", "+79000000000"),
        ("+7 (900) 000-00-00", "+79000000000"),
        ("8 900 000 00 00", "+79000000000"),
        ("  +44 20 7946 0958 ", "+442079460958"),
    ])
    func normalisesWhatTelegramAndPeopleSend(raw: String, expected: String) {
        #expect(PhoneNumber(normalizing: raw)?.e164 == expected)
    }

    @Test(arguments: ["", "+", "12345", "phone", "+7900abc0000", "0123456789", "+1234567890123456", "7+9000000000"])
    func refusesWhatIsNotAPhoneNumber(raw: String) {
        #expect(PhoneNumber(normalizing: raw) == nil)
    }
}
