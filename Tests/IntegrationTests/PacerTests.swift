import Foundation
import Testing

@testable import Runtime

@Suite struct PacerTests {
    @Test func messagesPutOffForOneChatLeaveInTheOrderTheyWereQueued() throws {
        var pacer = Pacer(settings: OutboxSender.Settings(), messagesPerSecond: 25)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(pacer.deferral(of: 42, now: now) == nil)
        pacer.sent(to: 42)
        let deferrals = [now, now, now.addingTimeInterval(-1)].map { pacer.deferral(of: 42, now: $0) }
        // The third look's wall clock reads earlier; its message still goes after the others.
        let (second, third, fourth) = try (#require(deferrals[0]), #require(deferrals[1]), #require(deferrals[2]))
        #expect(second > now && second <= now.addingTimeInterval(1))
        #expect(second < third && third < fourth)
        #expect(pacer.deferral(of: 7, now: now) == nil)
    }
}
