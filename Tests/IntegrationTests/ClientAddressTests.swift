import Testing

@testable import Runtime

/// Which address a request is taken to come from: only a trusted proxy may name another.
@Suite struct ClientAddressTests {
    let nginx: Set<String> = ["127.0.0.1"]

    @Test func aTrustedProxyNamesTheClient() {
        #expect(ClientAddressMiddleware.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"], trusted: nginx) == "203.0.113.7")
    }

    @Test func aSpoofedHeaderFromAnyoneElseIsIgnored() {
        #expect(ClientAddressMiddleware.clientAddress(peer: "198.51.100.2", forwardedFor: ["6.6.6.6"], trusted: nginx) == "198.51.100.2")
        #expect(ClientAddressMiddleware.clientAddress(peer: "198.51.100.2", forwardedFor: [], trusted: []) == "198.51.100.2")
    }

    @Test func onlyTheHopTheProxyAddedCounts() {
        // A client sent "6.6.6.6"; a proxy that appends (rather than replaces) adds the real address last.
        #expect(
            ClientAddressMiddleware.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 203.0.113.7"], trusted: nginx)
                == "203.0.113.7")
        #expect(ClientAddressMiddleware.clientAddress(peer: "127.0.0.1", forwardedFor: [], trusted: nginx) == "127.0.0.1")
    }

    @Test func theUntrustedProxyWarningIsGivenOncePerProcess() async throws {
        let warning = UntrustedProxyWarning()
        let firsts = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { warning.isFirst() } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(firsts.filter { $0 }.count == 1)
    }
}
