import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a webhook may point. In production only `https` to a public address: never loopback,
/// private, link-local or otherwise internal ones (the server must not be turned into a way in to
/// its own network). The host is resolved when the endpoint is registered and again before every
/// delivery, since a name can be pointed somewhere else later. Elsewhere (dev, tests) `http` and
/// loopback are allowed, for a receiver on the same machine.
public struct WebhookAddress: Sendable {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case notAURL
        case httpsRequired
        case internalAddress(String)
        case unresolvable(String)

        public var description: String {
            switch self {
            case .notAURL: return "not an http(s) URL"
            case .httpsRequired: return "only https URLs are allowed"
            case .internalAddress(let address): return "points at an internal address (\(address))"
            case .unresolvable(let host): return "the host \(host) does not resolve"
            }
        }
    }

    let publicOnly: Bool
    /// The addresses a host name resolves to; the system's resolver in production.
    let resolve: @Sendable (String) -> [String]

    public init(environment: AppEnvironment, resolve: @escaping @Sendable (String) -> [String] = WebhookAddress.systemResolve) {
        self.publicOnly = environment == .prod
        self.resolve = resolve
    }

    /// The URL when a delivery may go there.
    public func check(_ raw: String) throws(Refusal) -> URL {
        guard raw.count <= 2000, let url = URL(string: raw), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.user == nil
        else { throw .notAURL }
        guard publicOnly else { return url }
        guard scheme == "https" else { throw .httpsRequired }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let addresses = Self.isIPAddress(bare) ? [bare] : resolve(bare)
        guard !addresses.isEmpty else { throw .unresolvable(host) }
        if let inside = addresses.first(where: Self.isInternal) { throw .internalAddress(inside) }
        return url
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// Loopback, private (RFC 1918, unique-local), link-local, carrier-grade NAT, unspecified,
    /// multicast and reserved addresses, IPv4 and IPv6, including IPv4 mapped into IPv6.
    static func isInternal(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return isInternalV4(UInt32(bigEndian: v4.s_addr))
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return true }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return isInternalV4(bytes[12...].reduce(0) { $0 << 8 | UInt32($1) })
        }
        if bytes.allSatisfy({ $0 == 0 }) || (bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1) { return true }
        if bytes[0] & 0xfe == 0xfc { return true }  // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return true }  // fe80::/10 link local
        if bytes[0] == 0xff { return true }  // multicast
        return false
    }

    static func isInternalV4(_ address: UInt32) -> Bool {
        let ranges: [(UInt32, UInt32)] = [
            (0x0000_0000, 8), (0x0A00_0000, 8), (0x6440_0000, 10), (0x7F00_0000, 8), (0xA9FE_0000, 16), (0xAC10_0000, 12),
            (0xC000_0000, 24), (0xC0A8_0000, 16), (0xC612_0000, 15), (0xE000_0000, 4), (0xF000_0000, 4),
        ]
        return ranges.contains { base, bits in address >> (32 - bits) == base >> (32 - bits) }
    }

    public static let systemResolve: @Sendable (String) -> [String] = { host in
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
