import Foundation
import Logging
import Runtime
import Store

/// Keeps each running broadcast's progress message in the staff bot current: when a
/// broadcast's counts move, and a last time when it is done, the edit is queued in the outbox.
public struct BroadcastProgressReporter: Sendable {
    let store: BroadcastStore

    public init(store: Store) {
        self.store = store.pool.broadcasts
    }

    /// Reports every broadcast whose counts moved; returns how many were reported.
    @discardableResult
    public func reportOnce(at now: Date) async throws -> Int {
        let moved = try await store.progressToReport()
        for progress in moved {
            let texts = StaffTexts(language: progress.creatorLanguage)
            let edit = progress.progressMessageID.flatMap { messageID in
                progress.progressChatID.map { chatID in
                    BotCall.editMessageText(chatID: chatID, messageID: messageID, text: texts.broadcastProgress(progress)).body
                }
            }
            try await store.recordReport(progress, edit: edit, at: now)
        }
        return moved.count
    }
}
