import Crypto
import Foundation

/// The init data Telegram hands a Mini App (`Telegram.WebApp.initData`), validated against the
/// bot's token as Telegram's documentation describes: every field but `hash` as `key=value`,
/// sorted and joined with newlines, signed with HMAC-SHA256 under
/// `HMAC-SHA256(key: "WebAppData", message: token)`.
///
/// Only a validated value exists: the initializer throws for anything else, so a handler holding
/// one knows who is asking.
public struct WebAppInitData: Sendable, Equatable {
    public struct User: Sendable, Equatable, Decodable {
        public var id: Int64
        public var firstName: String
        public var lastName: String?
        public var username: String?
        public var languageCode: String?

        enum CodingKeys: String, CodingKey {
            case id, username
            case firstName = "first_name"
            case lastName = "last_name"
            case languageCode = "language_code"
        }
    }

    public enum Refusal: Error, Equatable, Sendable {
        case malformed
        case missingHash
        case repeatedField(String)
        case badSignature
        case tooOld
        case fromTheFuture
        case missingUser
    }

    public let user: User
    public let authDate: Date

    /// Validates `raw` for the bot whose token is `botToken`. `maximumAge` bounds how long ago
    /// Telegram signed it; a clock a minute ahead of ours is tolerated.
    public init(validating raw: String, botToken: String, now: Date, maximumAge: TimeInterval) throws(Refusal) {
        var fields: [String: String] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let key = Self.decode(parts[0]), let value = Self.decode(parts[1]), !key.isEmpty else {
                throw .malformed
            }
            guard fields[key] == nil else { throw .repeatedField(key) }
            fields[key] = value
        }
        guard let hash = fields.removeValue(forKey: "hash"), !hash.isEmpty else { throw .missingHash }
        guard Self.signatureMatches(hash, fields: fields, botToken: botToken) else { throw .badSignature }
        guard let seconds = fields["auth_date"].flatMap(Int64.init) else { throw .malformed }
        let signedAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        guard signedAt.timeIntervalSince(now) <= 60 else { throw .fromTheFuture }
        guard now.timeIntervalSince(signedAt) <= maximumAge else { throw .tooOld }
        guard let json = fields["user"], let user = try? JSONDecoder().decode(User.self, from: Data(json.utf8)) else {
            throw .missingUser
        }
        self.user = user
        self.authDate = signedAt
    }

    /// Telegram's documentation leaves `signature` (its Ed25519 field for third parties) out of
    /// the string; clients that sign it in are accepted too. Both need the bot's token.
    private static func signatureMatches(_ hash: String, fields: [String: String], botToken: String) -> Bool {
        let withSignature = expectedHash(fields, botToken: botToken)
        guard fields["signature"] != nil else { return ConstantTime.equals(hash.lowercased(), withSignature) }
        var withoutSignature = fields
        withoutSignature["signature"] = nil
        let matchesWithout = ConstantTime.equals(hash.lowercased(), expectedHash(withoutSignature, botToken: botToken))
        let matchesWith = ConstantTime.equals(hash.lowercased(), withSignature)
        return matchesWithout || matchesWith
    }

    /// The hex HMAC of the data-check string; public so a test or the dev playground can sign.
    public static func expectedHash(_ fields: [String: String], botToken: String) -> String {
        let checkString = fields.filter { $0.key != "hash" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: "\n")
        let secret = HMAC<SHA256>.authenticationCode(for: Data(botToken.utf8), using: SymmetricKey(data: Data("WebAppData".utf8)))
        let code = HMAC<SHA256>.authenticationCode(for: Data(checkString.utf8), using: SymmetricKey(data: Data(secret)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// Init data as Telegram sends it, signed with `botToken`: for tests and the dev playground.
    public static func signed(_ fields: [String: String], botToken: String) -> String {
        var all = fields
        all["hash"] = expectedHash(fields, botToken: botToken)
        return all.sorted { $0.key < $1.key }.map { "\(encode($0.key))=\(encode($0.value))" }.joined(separator: "&")
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    private static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
