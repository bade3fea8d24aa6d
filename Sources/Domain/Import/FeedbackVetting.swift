import Foundation

/// A v1 review, idea or comment as Crema's feedback, already handled (it is history).
public struct ImportedFeedback: Sendable, Equatable {
    public enum Kind: String, Sendable { case review, idea, message }

    public var table: V1.Feedback.Kind
    public var sourceID: Int64
    public var guestSourceID: Int64
    public var kind: Kind
    public var rating: Int?
    public var body: String?
    public var createdAt: Date

    public var source: String { ImportSource.v1(table.rawValue, sourceID) }
    public var guestSource: String { ImportSource.v1("users", guestSourceID) }
}

public enum FeedbackVetting {
    /// A score of 1–10 is a review (with its words, if any); words without a score are a message
    /// to management; an idea is an idea.
    public static func vet(_ row: V1.Feedback, guests: Set<Int64>) -> Result<ImportedFeedback, ImportRefusal> {
        func refuse(_ reason: String) -> Result<ImportedFeedback, ImportRefusal> {
            .failure(ImportRefusal(row.kind.rawValue, row.id, reason))
        }
        guard let userID = row.userID, guests.contains(userID) else {
            return refuse(row.userID.map { "its guest users \($0) is not imported" } ?? "no guest (user_id is empty)")
        }
        let words = row.text?.trimmingWhitespace()
        let body = words.flatMap { $0.isEmpty ? nil : String($0.prefix(4000)) }
        let kind: ImportedFeedback.Kind
        var rating: Int?
        switch row.kind {
        case .idea:
            guard body != nil else { return refuse("no words") }
            kind = .idea
        case .feedback:
            if let score = row.score, (1...10).contains(score) {
                kind = .review
                rating = score
            } else if body != nil {
                kind = .message
            } else {
                return refuse(row.score.map { "score \($0) is outside 1–10 and there are no words" } ?? "neither a score nor words")
            }
        }
        return .success(
            ImportedFeedback(
                table: row.kind, sourceID: row.id, guestSourceID: userID, kind: kind, rating: rating, body: body, createdAt: row.createdAt
            ))
    }
}
