/// A name the café gives in each of the product's languages, such as a gift's: «Напиток» for a
/// Russian reader, "Drink" for an English one.
public struct LocalizedName: Sendable, Equatable, Hashable, Codable {
    public var russian: String
    public var english: String

    public init(russian: String, english: String) {
        self.russian = russian
        self.english = english
    }

    public subscript(language: Language) -> String {
        switch language {
        case .ru: return russian
        case .en: return english
        }
    }
}
