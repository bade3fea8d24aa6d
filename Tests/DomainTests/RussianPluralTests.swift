import Domain
import Testing

@Suite struct RussianPluralTests {
    @Test(arguments: [
        (0, "0 баллов"), (1, "1 балл"), (2, "2 балла"), (4, "4 балла"), (5, "5 баллов"), (11, "11 баллов"), (12, "12 баллов"),
        (14, "14 баллов"), (21, "21 балл"), (22, "22 балла"), (25, "25 баллов"), (101, "101 балл"), (111, "111 баллов"),
        (112, "112 баллов"), (1_001, "1001 балл"),
    ])
    func pointsAgreeWithTheirNumber(count: Int, expected: String) {
        #expect(RussianPlural.points(count) == expected)
    }

    @Test(arguments: [(1, "1 продажа"), (2, "2 продажи"), (5, "5 продаж"), (11, "11 продаж"), (21, "21 продажа"), (23, "23 продажи")])
    func salesAgreeWithTheirNumber(count: Int, expected: String) {
        #expect(RussianPlural.sales(count) == expected)
    }

    @Test(arguments: [(1, "из 1 гостя"), (3, "из 3 гостей"), (11, "из 11 гостей"), (21, "из 21 гостя"), (100, "из 100 гостей")])
    func afterIzTheGenitiveIsUsed(count: Int, expected: String) {
        #expect("из " + RussianPlural.guestsGenitive(count) == expected)
    }

    @Test func waitsAndDaysAgreeToo() {
        #expect(RussianPlural.secondsAccusative(1) == "1 секунду")
        #expect(RussianPlural.secondsAccusative(45) == "45 секунд")
        #expect(RussianPlural.secondsAccusative(90) == "90 секунд")
        #expect(RussianPlural.secondsAccusative(3) == "3 секунды")
        #expect(RussianPlural.days(7) == "7 дней" && RussianPlural.days(1) == "1 день" && RussianPlural.days(2) == "2 дня")
    }
}
