import AsyncHTTPClient
import Foundation
import NIOCore
import Store

extension AppConfiguration.TelegramConfiguration {
    /// The one place a bot's Bot API client is made: the outbox senders, the admin panel and the
    /// command line all call this.
    public func api(for bot: OutboxStore.Bot, timeout: TimeAmount = .seconds(10), http: HTTPClient = .shared) -> BotAPIClient {
        let token =
            switch bot {
            case .client: clientBotToken
            case .staff: staffBotToken
            }
        return BotAPIClient(http: http, baseURL: apiBaseURL, token: token, timeout: timeout)
    }
}

extension BotAPIClient {
    /// The bot's @username from getMe, for links; nil when Telegram cannot be asked.
    public func username() async -> String? {
        guard let me = try? await call("getMe", json: Data("{}".utf8)) else { return nil }
        return ((try? JSONSerialization.jsonObject(with: me)) as? [String: Any])?["username"] as? String
    }
}
