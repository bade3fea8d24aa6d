import Domain
import Testing

@Suite struct MoneyTests {
    @Test(
        arguments: [
            ("350", 35_000), ("350.50", 35_050), ("350,50", 35_050), ("350,5", 35_050),
            ("1 250", 125_000), (" 99 ", 9_900), ("0,01", 1), ("350 ₽", 35_000),
            ("350р", 35_000), ("350 р.", 35_000), ("350 руб", 35_000), ("350,50 руб.", 35_050), ("350 РУБ", 35_000),
        ] as [(String, Int64)])
    func readsWhatBaristasType(text: String, kopecks: Int64) {
        #expect(Money(parsing: text)?.kopecks == kopecks)
    }

    @Test(arguments: ["", "abc", "-350", "350.555", "35.0.0", ",50", "1e3", "р", "руб 350", "350.р", "350 долларов", "9999999999999"])
    func refusesWhatIsNotAnAmount(text: String) {
        #expect(Money(parsing: text) == nil)
    }

    @Test func formatsForPeople() {
        #expect(Money(kopecks: 35_000).description == "350 ₽")
        #expect(Money(kopecks: 35_005).description == "350,05 ₽")
        #expect(Money(kopecks: 125_000_000).description == "1\u{202F}250\u{202F}000 ₽")
    }
}
