import Domain
import Foundation
import Testing

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

    /// The job selects guests by `birthDatesCelebrated`; over every day of a common and a leap
    /// year it picks exactly the birth dates the rule (`isBirthday`) says are celebrated.
    @Test(arguments: [2027, 2028])
    func theJobsSelectionIsTheRule(year: Int) {
        let births = (1...12).flatMap { month in
            (1...CalendarDate.daysIn(month: month, year: 2000)).map { CalendarDate(year: 2000, month: month, day: $0) }
        }
        for month in 1...12 {
            for day in 1...CalendarDate.daysIn(month: month, year: year) {
                let today = CalendarDate(year: year, month: month, day: day)
                let selected = Set(BirthdayCycle.birthDatesCelebrated(on: today).map { [$0.month, $0.day] })
                let celebrated = Set(births.filter { BirthdayCycle.isBirthday($0, on: today) }.map { [$0.month, $0.day] })
                #expect(selected == celebrated, "\(today)")
            }
        }
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

@Suite struct CafeCalendarTests {
    @Test func leapDayGuestsAreCelebratedOnThe28thOfACommonYearOnly() {
        #expect(
            BirthdayCycle.birthDatesCelebrated(on: CalendarDate(year: 2027, month: 2, day: 28)).map { [$0.month, $0.day] } == [
                [2, 28], [2, 29],
            ])
        #expect(
            BirthdayCycle.birthDatesCelebrated(on: CalendarDate(year: 2028, month: 2, day: 28)).map { [$0.month, $0.day] } == [[2, 28]])
    }

    @Test func theDayIsTheCafesNotUTCs() {
        // 22:30 UTC on 24 November is already 25 November in Moscow (UTC+3).
        let lateEvening = Date(timeIntervalSince1970: 1_795_559_400)
        #expect(CalendarDate(lateEvening, in: TimeZone(identifier: "Europe/Moscow")!) == CalendarDate(year: 2026, month: 11, day: 25))
        #expect(CalendarDate(lateEvening, in: TimeZone(identifier: "UTC")!) == CalendarDate(year: 2026, month: 11, day: 24))
    }
}

extension BirthdayCycle {
    /// The rule stated plainly, as the oracle the store's query (`birthDatesCelebrated`) is
    /// checked against: `today` is the birthday when it is that year's celebration of the date.
    static func isBirthday(_ birthDate: CalendarDate, on today: CalendarDate) -> Bool {
        celebration(of: birthDate, in: today.year) == today
    }

    /// The day in `year` on which someone born on `birthDate` celebrates: 29 February becomes
    /// 28 February in common years.
    static func celebration(of birthDate: CalendarDate, in year: Int) -> CalendarDate {
        if birthDate.month == 2, birthDate.day == 29, !CalendarDate.isLeapYear(year) {
            return CalendarDate(year: year, month: 2, day: 28)
        }
        return CalendarDate(year: year, month: birthDate.month, day: birthDate.day)
    }
}
