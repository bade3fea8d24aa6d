/// How a Bot API call failed, in the terms the sender acts on (shared/telegram/BOTAPI.md).
public enum BotAPIError: Error, Equatable, Sendable {
    /// 429: pause this bot for `retryAfter` seconds.
    case tooManyRequests(retryAfter: Int)
    /// 403: the user blocked the bot or is deactivated; mark them unreachable.
    case forbidden(String)
    /// 400: permanent for this message.
    case badRequest(String)
    /// 401: the token is wrong; stop sending for this bot.
    case unauthorized
    /// 5xx or an unexpected status: retry with backoff.
    case server(status: Int, String)
    /// No answer at all (connection refused, timeout): retry with backoff.
    case transport(String)

    /// Editing a message to the text it already has is not a failure.
    public var isMessageNotModified: Bool {
        if case .badRequest(let description) = self { return description.contains("message is not modified") }
        return false
    }

    public var isRetryable: Bool {
        switch self {
        case .server, .transport, .tooManyRequests: return true
        case .forbidden, .badRequest, .unauthorized: return false
        }
    }
}
