import Foundation
import Logging
import Store

/// Reads one variable at a time and phrases each problem the same way: the variable, what is
/// expected, and what it got.
struct EnvironmentReader {
    let variables: [String: String]
    private(set) var generated: [(variable: String, value: String)] = []

    init(variables: [String: String]) {
        self.variables = variables
    }

    /// Unset and empty mean the same: "use the default".
    func value(_ name: String) -> String? {
        guard let raw = variables[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }

    func nonEmpty(_ name: String, default fallback: String) throws -> String {
        value(name) ?? fallback
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default fallback: Choice) throws -> Choice
    where Choice.RawValue == String {
        guard let raw = value(name) else { return fallback }
        guard let choice = Choice(rawValue: raw) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, problem: "must be one of \(allowed) (got \"\(raw)\")")
        }
        return choice
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = value(name) else { return fallback }
        guard let number = Int(raw), range.contains(number) else {
            throw ConfigurationError(
                variable: name,
                problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(raw)\")"
            )
        }
        return number
    }

    func boolean(_ name: String, default fallback: Bool) throws -> Bool {
        guard let raw = value(name) else { return fallback }
        switch raw.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(variable: name, problem: "must be true or false (got \"\(raw)\")")
        }
    }

    func logLevel(_ name: String, default fallback: Logger.Level) throws -> Logger.Level {
        guard let raw = value(name) else { return fallback }
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, problem: "must be one of \(allowed) (got \"\(raw)\")")
        }
        return level
    }

    func databaseURL(_ name: String) throws -> DatabaseURL {
        guard let raw = value(name) else {
            throw ConfigurationError(
                variable: name,
                problem: "is required (e.g. postgres://crema:secret@127.0.0.1:5432/crema); scripts/run.sh provides a local one"
            )
        }
        do {
            return try DatabaseURL(raw)
        } catch let error as DatabaseURL.ParseError {
            throw ConfigurationError(variable: name, problem: error.description)
        }
    }

    /// An ISO 8601 instant with its zone, e.g. 2027-02-28T09:00:00Z.
    func instant(_ name: String) throws -> Date? {
        guard let raw = value(name) else { return nil }
        guard let date = try? Date.ISO8601FormatStyle().parse(raw) else {
            throw ConfigurationError(variable: name, problem: "must be an ISO 8601 instant such as 2027-02-28T09:00:00Z (got \"\(raw)\")")
        }
        return date
    }

    func httpURL(_ name: String, required: Bool) throws -> URL? {
        guard let raw = value(name) else {
            if required { throw ConfigurationError(variable: name, problem: "is required in prod (e.g. https://crema.example.com)") }
            return nil
        }
        guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError(variable: name, problem: "must be an absolute http(s) URL (got \"\(raw)\")")
        }
        return url
    }

    func origins(_ name: String) throws -> [String] {
        guard let raw = value(name) else { return [] }
        return try raw.split(separator: ",").map { item in
            let origin = item.trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil, url.path.isEmpty || url.path == "/"
            else {
                throw ConfigurationError(
                    variable: name,
                    problem: "must be a comma-separated list of origins like https://pos.example.com (got \"\(origin)\")"
                )
            }
            return origin.hasSuffix("/") ? String(origin.dropLast()) : origin
        }
    }

    /// A comma-separated list of literal IPv4 or IPv6 addresses.
    func ipAddresses(_ name: String) throws -> [String] {
        guard let raw = value(name) else { return [] }
        return try raw.split(separator: ",").map { item in
            let address = item.trimmingCharacters(in: .whitespaces)
            let ipv4 = address.split(separator: ".", omittingEmptySubsequences: false)
            let isIPv4 = ipv4.count == 4 && ipv4.allSatisfy { part in UInt8(part) != nil }
            let isIPv6 = address.contains(":") && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            guard isIPv4 || isIPv6 else {
                throw ConfigurationError(
                    variable: name, problem: "must be a comma-separated list of IP addresses like 127.0.0.1 (got \"\(address)\")")
            }
            return address
        }
    }

    enum SecretFormat {
        /// What @BotFather issues: `<bot id>:<35 characters>`.
        case botToken
        /// What Telegram accepts as `secret_token`: 1–256 of `A-Z a-z 0-9 _ -`.
        case webhookSecret

        func accepts(_ value: String) -> Bool {
            let tokenCharacters = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-") }
            switch self {
            case .botToken:
                let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy(\.isNumber)
                    && !parts[1].isEmpty && parts[1].allSatisfy(tokenCharacters)
            case .webhookSecret:
                return (1...256).contains(value.count) && value.allSatisfy(tokenCharacters)
            }
        }

        var expectation: String {
            switch self {
            case .botToken: return "must look like 123456789:AAE… as issued by @BotFather"
            case .webhookSecret: return "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -"
            }
        }

        func generate(random: RandomSource) -> String {
            let secret = random.hexString(byteCount: 24)
            switch self {
            case .botToken: return "0:dev_\(secret)"
            case .webhookSecret: return secret
            }
        }
    }

    /// `optional`: a missing secret is empty (a tool that never uses it), not an error.
    mutating func secret(
        _ name: String, format: SecretFormat, generateIfMissing: Bool, optional: Bool = false, random: RandomSource
    ) throws -> String {
        guard let raw = value(name) else {
            if optional { return "" }
            guard generateIfMissing else { throw ConfigurationError(variable: name, problem: "is required in prod") }
            let made = format.generate(random: random)
            generated.append((name, made))
            return made
        }
        guard format.accepts(raw) else {
            // Never echo a secret back into logs.
            throw ConfigurationError(variable: name, problem: format.expectation)
        }
        return raw
    }
}
