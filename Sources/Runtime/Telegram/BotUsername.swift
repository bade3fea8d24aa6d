/// A bot's @username, for t.me links: asked of Telegram (getMe) the first time a link needs it
/// and remembered once known; a failed ask is tried again next time.
public actor BotUsername {
    private let ask: @Sendable () async -> String?
    private var known: String?

    public init(ask: @escaping @Sendable () async -> String?) {
        self.ask = ask
    }

    public init(api: BotAPIClient) {
        self.init { await api.username() }
    }

    public func resolve() async -> String? {
        if let known { return known }
        known = await ask()
        return known
    }
}
