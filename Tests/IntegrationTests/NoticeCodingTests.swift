import Domain
import Foundation
import Store
import Testing

/// Notices are encoded once in Swift and read back whole; rows that earlier builds queued (JSON
/// built by PostgreSQL, language inside) still read.
@Suite struct NoticeCodingTests {
    static let expiry = Date(timeIntervalSince1970: 1_798_185_600)  // 2026-12-25T08:00:00Z

    static let examples: [Notice] = [
        .saleReceipt(
            .init(
                orderID: 42, amount: .rubles(450), paid: .rubles(400), pointsRedeemed: 50, pointsCredited: 0, debtRepaid: 0,
                balance: 12, debt: 3, tierBefore: .standard, tierAfter: .silver, giftCount: 1
            )),
        .saleCancelled(.init(orderID: 42, balance: 0, debt: 7, tier: .standard)),
        .saleRefunded(.init(orderID: 42, amount: .rubles(150), pointsRestored: 10, pointsTakenBack: 4, balance: 6, debt: 1, tier: .silver)),
        .pointsExpiring(.init(points: 21, day: CalendarDate(year: 2027, month: 3, day: 15))),
        .pointsExpired(.init(points: 120, day: CalendarDate(year: 2027, month: 3, day: 15), balance: 40)),
        .giftIssued(.init(name: LocalizedName(russian: "Капучино", english: "Cappuccino"), expiresAt: expiry)),
        .birthdayGift(.init(name: LocalizedName(russian: "Напиток", english: "Drink"), expiresAt: expiry)),
        .reviewAlert(.init(feedbackID: 9, guest: "Мария", rating: 3, orderID: 42)),
        .reviewComment(.init(feedbackID: 9, guest: "Мария", rating: 3, text: "Холодный кофе")),
        .guestMessage(.init(feedbackID: 10, guest: "Oleg", text: "Hello")),
        .broadcastFailed(.init(broadcastID: 5, failed: 2, recipients: 880)),
        .webhookDisabled(.init(url: "https://partner.example/hooks", error: "HTTP 500")),
        .welcomeBonus(.init(points: 100, campaign: "Старт", balance: 100)),
        .referralReward(.init(points: 100, campaign: "Приведи друга", balance: 140, friend: "Анна")),
        .referralReversed(.init(points: 50, campaign: "Приведи друга", balance: 0, debt: 20)),
    ]

    @Test func everyNoticeReadsBackAsItWasWritten() throws {
        #expect(Set(Self.examples.map(\.template)) == Set(Notice.Template.allCases))
        for notice in Self.examples {
            #expect(try Notice.decode(notice.encoded()) == notice)
        }
    }

    @Test func aReceiptQueuedByAnEarlierBuildStillReads() throws {
        let stored = Data(
            """
            {"debt": 0, "balance": 104, "order_id": 17, "language": "ru", "template": "sale_receipt", "tier_after": "standard",
             "gift_count": 0, "debt_repaid": 0, "tier_before": "standard", "paid_kopecks": 45000, "amount_kopecks": 45000,
             "points_credited": 4, "points_redeemed": 0}
            """.utf8)
        let notice = try #require(try Notice.decode(stored))
        #expect(
            notice
                == .saleReceipt(
                    .init(
                        orderID: 17, amount: .rubles(450), paid: .rubles(450), pointsRedeemed: 0, pointsCredited: 4, debtRepaid: 0,
                        balance: 104, debt: 0, tierBefore: .standard, tierAfter: .standard, giftCount: 0
                    )))
        let gift = Data(
            #"{"name": "Drink", "gift_id": 3, "language": "en", "template": "gift_issued", "expires_at": "2026-12-25T08:00:00.123+00:00"}"#
                .utf8)
        guard case .giftIssued(let issued) = try #require(try Notice.decode(gift)) else {
            Issue.record("not a gift")
            return
        }
        #expect(abs(issued.expiresAt.timeIntervalSince(Self.expiry) - 0.123) < 0.001)
        #expect(issued.name == LocalizedName(russian: "Drink", english: "Drink"))
    }

    @Test func aReadyBotAPIBodyIsNotANotice() throws {
        #expect(try Notice.decode(Data(#"{"text": "hi", "chat_id": 1}"#.utf8)) == nil)
    }
}
