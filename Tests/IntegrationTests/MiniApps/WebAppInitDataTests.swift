import Foundation
import Runtime
import Testing

/// Init data as Telegram signs it, and every way it can be wrong.
@Suite struct WebAppInitDataTests {
    static let token = "123456:client-bot-token"
    static let now = Date(timeIntervalSince1970: 1_780_000_000)
    static let user = #"{"id":5000000123,"first_name":"Анна","language_code":"ru"}"#

    static func fields(authDate: Date = now) -> [String: String] {
        ["user": user, "auth_date": String(Int(authDate.timeIntervalSince1970)), "query_id": "AAH1"]
    }

    func validate(_ raw: String, token: String = token) throws(WebAppInitData.Refusal) -> WebAppInitData {
        try WebAppInitData(validating: raw, botToken: token, now: Self.now, maximumAge: 3600)
    }

    @Test func aValidStringNamesItsUser() throws {
        let data = try validate(WebAppInitData.signed(Self.fields(), botToken: Self.token))
        #expect(data.user.id == 5_000_000_123)
        #expect(data.user.firstName == "Анна")
        #expect(data.user.languageCode == "ru")
        #expect(data.authDate == Self.now)
    }

    /// Telegram's own algorithm, computed independently with Python's hmac module:
    /// `hmac.new(hmac.new(b"WebAppData", token, sha256).digest(), sorted_lines, sha256)`.
    @Test func theHashIsTelegramsAlgorithm() {
        #expect(
            WebAppInitData.expectedHash(Self.fields(), botToken: Self.token)
                == "db9932984bbd0448e943e17d9dfa88e266b734c2490dbecb06c84a8ea8ec4fbe")
    }

    @Test func aChangedFieldIsRefused() {
        let signed = WebAppInitData.signed(Self.fields(), botToken: Self.token)
        let changed = signed.replacingOccurrences(of: "5000000123", with: "5000000124")
        #expect(changed != signed)
        #expect(throws: WebAppInitData.Refusal.badSignature) { try validate(changed) }
    }

    @Test func anotherBotsTokenIsRefused() {
        let signed = WebAppInitData.signed(Self.fields(), botToken: "654321:staff-bot-token")
        #expect(throws: WebAppInitData.Refusal.badSignature) { try validate(signed) }
    }

    @Test func anOldAuthDateIsRefused() {
        let signed = WebAppInitData.signed(Self.fields(authDate: Self.now.addingTimeInterval(-3601)), botToken: Self.token)
        #expect(throws: WebAppInitData.Refusal.tooOld) { try validate(signed) }
        let fresh = WebAppInitData.signed(Self.fields(authDate: Self.now.addingTimeInterval(-3599)), botToken: Self.token)
        #expect(throws: Never.self) { try validate(fresh) }
    }

    @Test func aDateFromTheFutureIsRefused() {
        let signed = WebAppInitData.signed(Self.fields(authDate: Self.now.addingTimeInterval(600)), botToken: Self.token)
        #expect(throws: WebAppInitData.Refusal.fromTheFuture) { try validate(signed) }
    }

    @Test func aMissingHashIsRefused() {
        let signed = WebAppInitData.signed(Self.fields(), botToken: Self.token)
        let unsigned = signed.split(separator: "&").filter { !$0.hasPrefix("hash=") }.joined(separator: "&")
        #expect(throws: WebAppInitData.Refusal.missingHash) { try validate(unsigned) }
        #expect(throws: WebAppInitData.Refusal.missingHash) { try validate(unsigned + "&hash=") }
        #expect(throws: WebAppInitData.Refusal.missingHash) { try validate("") }
    }

    @Test func aRepeatedFieldIsRefused() {
        let signed = WebAppInitData.signed(Self.fields(), botToken: Self.token)
        #expect(throws: WebAppInitData.Refusal.repeatedField("user")) {
            try validate(signed + "&user=%7B%22id%22%3A1%2C%22first_name%22%3A%22Eve%22%7D")
        }
        #expect(throws: WebAppInitData.Refusal.repeatedField("hash")) { try validate(signed + "&hash=00") }
    }

    @Test func aSignedStringWithoutAUserIsRefused() {
        let signed = WebAppInitData.signed(["auth_date": String(Int(Self.now.timeIntervalSince1970))], botToken: Self.token)
        #expect(throws: WebAppInitData.Refusal.missingUser) { try validate(signed) }
    }

    @Test func garbageIsRefusedNotCrashedOn() {
        for raw in ["%", "=", "hash", "a=%ZZ&hash=1", String(repeating: "&", count: 1000)] {
            #expect(throws: WebAppInitData.Refusal.self) { try validate(raw) }
        }
    }

    /// The third-party `signature` field: left out of the string as the shared notes say, or
    /// signed in as some clients do; either way only the bot's token makes the hash.
    @Test func theSignatureFieldMayBeLeftOutOrSignedIn() throws {
        var fields = Self.fields()
        let hashWithout = WebAppInitData.expectedHash(fields, botToken: Self.token)
        fields["signature"] = "c2lnbmF0dXJl"
        let hashWith = WebAppInitData.expectedHash(fields, botToken: Self.token)
        let body = fields.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }
        .joined(separator: "&")
        #expect(throws: Never.self) { try validate(body + "&hash=" + hashWithout) }
        #expect(throws: Never.self) { try validate(body + "&hash=" + hashWith) }
        #expect(throws: WebAppInitData.Refusal.badSignature) { try validate(body + "&hash=" + hashWith, token: "1:other") }
    }
}
