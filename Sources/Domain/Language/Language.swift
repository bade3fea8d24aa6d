/// The language a guest or staff member is spoken to in.
///
/// Texts are Russian by default and English for anyone whose Telegram
/// `language_code` is present and is not Russian.
public enum Language: String, Sendable, Codable, CaseIterable {
    case ru
    case en

    /// Chooses the language from Telegram's optional IETF `language_code` ("ru", "ru-RU", "en-GB", …).
    public init(telegramLanguageCode code: String?) {
        guard let code, !code.isEmpty else {
            self = .ru
            return
        }
        let primary = code.lowercased().split(separator: "-").first.map(String.init) ?? ""
        self = primary == "ru" ? .ru : .en
    }
}
