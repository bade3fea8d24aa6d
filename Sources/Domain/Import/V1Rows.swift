import Foundation

/// Rows of the original system's database (../shared/v1), as read: nothing here is trusted yet.
/// The `Vetting` types decide what of it Crema takes in.
public enum V1 {
    /// `users`: a guest (role `client`) with the balance and counters v1 kept in place.
    public struct User: Sendable, Equatable {
        public var id: Int64
        public var telegramID: String
        public var phone: String?
        public var firstName: String?
        public var lastName: String?
        /// `YYYY-MM-DD`, as PostgreSQL prints a date.
        public var birthDate: String?
        public var loyaltyStatus: String
        public var points: Int
        public var giftDrinks: Int
        public var giftSandwiches: Int
        public var isActive: Bool?
        public var role: String

        public init(
            id: Int64, telegramID: String, phone: String?, firstName: String?, lastName: String?, birthDate: String?,
            loyaltyStatus: String, points: Int, giftDrinks: Int = 0, giftSandwiches: Int = 0, isActive: Bool?, role: String = "client"
        ) {
            self.id = id
            self.telegramID = telegramID
            self.phone = phone
            self.firstName = firstName
            self.lastName = lastName
            self.birthDate = birthDate
            self.loyaltyStatus = loyaltyStatus
            self.points = points
            self.giftDrinks = giftDrinks
            self.giftSandwiches = giftSandwiches
            self.isActive = isActive
            self.role = role
        }
    }

    /// `baristas`: staff by Telegram id; `is_admin` marks a manager.
    public struct Barista: Sendable, Equatable {
        public var id: Int64
        public var telegramID: String
        public var firstName: String?
        public var lastName: String?
        public var isAdmin: Bool
        public var isActive: Bool?

        public init(id: Int64, telegramID: String, firstName: String?, lastName: String?, isAdmin: Bool, isActive: Bool?) {
            self.id = id
            self.telegramID = telegramID
            self.firstName = firstName
            self.lastName = lastName
            self.isAdmin = isAdmin
            self.isActive = isActive
        }
    }

    /// `orders`: `total_sum` in whole rubles; points were either used or earned, never both.
    public struct Order: Sendable, Equatable {
        public var id: Int64
        public var userID: Int64?
        public var baristaID: Int64?
        public var totalSum: Int
        public var usePoints: Bool?
        public var usedPointsAmount: Int?
        public var createdAt: Date

        public init(
            id: Int64, userID: Int64?, baristaID: Int64?, totalSum: Int, usePoints: Bool?, usedPointsAmount: Int?, createdAt: Date
        ) {
            self.id = id
            self.userID = userID
            self.baristaID = baristaID
            self.totalSum = totalSum
            self.usePoints = usePoints
            self.usedPointsAmount = usedPointsAmount
            self.createdAt = createdAt
        }
    }

    /// `gifts`: `amount` gifts of `type` (`drink` or `sandwich`); used once `is_written_off`.
    public struct Gift: Sendable, Equatable {
        public var id: Int64
        public var userID: Int64?
        public var type: String
        public var amount: Int?
        public var createdAt: Date
        public var isWrittenOff: Bool?

        public init(id: Int64, userID: Int64?, type: String, amount: Int?, createdAt: Date, isWrittenOff: Bool?) {
            self.id = id
            self.userID = userID
            self.type = type
            self.amount = amount
            self.createdAt = createdAt
            self.isWrittenOff = isWrittenOff
        }
    }

    /// `feedbacks` (a score 1–10 and/or words, not tied to an order) and `ideas` (words).
    public struct Feedback: Sendable, Equatable {
        public enum Kind: String, Sendable { case feedback = "feedbacks", idea = "ideas" }

        public var kind: Kind
        public var id: Int64
        public var userID: Int64?
        public var score: Int?
        public var text: String?
        public var createdAt: Date

        public init(kind: Kind, id: Int64, userID: Int64?, score: Int? = nil, text: String?, createdAt: Date) {
            self.kind = kind
            self.id = id
            self.userID = userID
            self.score = score
            self.text = text
            self.createdAt = createdAt
        }
    }
}
