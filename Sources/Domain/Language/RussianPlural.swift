/// Russian number agreement: the noun's form after a number (1 балл, 2 балла, 5 баллов, 11 баллов,
/// 21 балл, 22 балла, 111 баллов).
public struct RussianPlural: Sendable, Equatable {
    /// After 1, 21, 31…: «балл».
    public let one: String
    /// After 2–4, 22–24…: «балла».
    public let few: String
    /// After 0, 5–20, 25–30…, 11–14: «баллов».
    public let many: String

    public init(one: String, few: String, many: String) {
        self.one = one
        self.few = few
        self.many = many
    }

    public func form(_ count: Int) -> String {
        let lastTwo = abs(count) % 100
        let last = abs(count) % 10
        if (11...14).contains(lastTwo) { return many }
        switch last {
        case 1: return one
        case 2, 3, 4: return few
        default: return many
        }
    }

    /// The number and the agreeing noun: «3 балла».
    public func callAsFunction(_ count: Int) -> String {
        "\(count) \(form(count))"
    }

    public static let points = RussianPlural(one: "балл", few: "балла", many: "баллов")
    /// After «из», «до», «не больше»: «из 1 гостя», «из 3 гостей».
    public static let pointsGenitive = RussianPlural(one: "балла", few: "баллов", many: "баллов")
    public static let sales = RussianPlural(one: "продажа", few: "продажи", many: "продаж")
    public static let guestsGenitive = RussianPlural(one: "гостя", few: "гостей", many: "гостей")
    /// After «подождите»: «1 секунду», «2 секунды», «5 секунд».
    public static let secondsAccusative = RussianPlural(one: "секунду", few: "секунды", many: "секунд")
    public static let days = RussianPlural(one: "день", few: "дня", many: "дней")
    /// After «через»: «1 минуту», «2 минуты», «5 минут».
    public static let minutesAccusative = RussianPlural(one: "минуту", few: "минуты", many: "минут")
}
