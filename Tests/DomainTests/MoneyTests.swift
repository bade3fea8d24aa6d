import Domain
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        ("350", 35_000), ("350.50", 35_050), ("350,50", 35_050), ("350,5", 35_050),
        ("1 250", 125_000), (" 99 ", 9_900), ("0,01", 1), ("350 ₽", 35_000),
    ] as [(String, Int64)])
    func readsWhatBaristasType(text: String, kopecks: Int64) {
        #expect(Money(parsing: text)?.kopecks == kopecks)
    }

    @Test(arguments: ["", "abc", "-350", "350.555", "35.0.0", ",50", "1e3", "350р", "9999999999999"])
    func refusesWhatIsNotAnAmount(text: String) {
        #expect(Money(parsing: text) == nil)
    }

    @Test func formatsForPeople() {
        #expect(Money(kopecks: 35_000).description == "350 ₽")
        #expect(Money(kopecks: 35_005).description == "350,05 ₽")
        #expect(Money(kopecks: 125_000_000).description == "1\u{202F}250\u{202F}000 ₽")
    }
}

@Suite struct LoyaltyRulesTests {
    let rules = LoyaltyRules.defaults

    @Test func tiersStartAtTheirThresholds() {
        #expect(rules.tier(forSpend: .zero) == .standard)
        #expect(rules.tier(forSpend: Money(kopecks: 1_499_999)) == .standard)
        #expect(rules.tier(forSpend: .rubles(15_000)) == .silver)
        #expect(rules.tier(forSpend: .rubles(40_000)) == .gold)
        #expect(rules.tier(forSpend: .rubles(80_000)) == .platinum)
        #expect(rules.tier(forSpend: .rubles(1_000_000)) == .platinum)
    }

    @Test func spendToNextTierCountsDownAndStopsAtTheTop() {
        #expect(rules.spendToNextTier(from: .rubles(10_000)) == .rubles(5_000))
        #expect(rules.spendToNextTier(from: .rubles(90_000)) == nil)
    }
}

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

@Suite struct BirthdayCycleTests {
    @Test func leapDayBirthdaysAreCelebratedOnThe28thInCommonYears() {
        let leapling = CalendarDate(year: 2000, month: 2, day: 29)
        #expect(BirthdayCycle.isBirthday(leapling, on: CalendarDate(year: 2027, month: 2, day: 28)))
        #expect(!BirthdayCycle.isBirthday(leapling, on: CalendarDate(year: 2028, month: 2, day: 28)))
        #expect(BirthdayCycle.isBirthday(leapling, on: CalendarDate(year: 2028, month: 2, day: 29)))
    }

    @Test func anOrdinaryBirthdayIsTheSameDayEveryYear() {
        let birth = CalendarDate(year: 1990, month: 11, day: 25)
        #expect(BirthdayCycle.isBirthday(birth, on: CalendarDate(year: 2026, month: 11, day: 25)))
        #expect(!BirthdayCycle.isBirthday(birth, on: CalendarDate(year: 2026, month: 11, day: 26)))
    }

    @Test(arguments: [("25.11.1990", "1990-11-25"), ("1.2.2001", "2001-02-01"), ("29.02.2000", "2000-02-29")])
    func readsRussianDates(text: String, iso: String) {
        #expect(CalendarDate(russianFormat: text)?.description == iso)
    }

    @Test(arguments: ["29.02.2001", "31.04.1990", "1990-11-25", "25.13.1990", "25.11.90", "abc"])
    func refusesImpossibleDates(text: String) {
        #expect(CalendarDate(russianFormat: text) == nil)
    }
}
