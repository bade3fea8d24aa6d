import Domain

/// The client bot's command menu as Telegram shows it (`setMyCommands`), per language.
public enum ClientBotCommands {
    public static func list(for language: Language) -> [(command: String, description: String)] {
        let texts = clientTexts(language)
        let start = language == .ru ? "Начать / регистрация" : "Start / register"
        return [("start", start)]
            + ClientMenuAction.allCases.map { action in
                (action.command, String(action.label(in: texts).drop { !$0.isLetter }))
            }
            + [("invite", language == .ru ? "Пригласить друга" : "Invite a friend")]
    }
}
