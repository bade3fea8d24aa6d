import Domain
import Testing

@Suite struct LanguageTests {
    @Test(arguments: [nil, "", "ru", "RU", "ru-RU"])
    func russianIsTheDefaultAndForRussianSpeakers(code: String?) {
        #expect(Language(telegramLanguageCode: code) == .ru)
    }

    @Test(arguments: ["en", "en-GB", "de", "uk", "kk"])
    func everyOtherLanguageGetsEnglish(code: String) {
        #expect(Language(telegramLanguageCode: code) == .en)
    }
}
