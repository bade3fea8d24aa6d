import Synchronization

/// What one transaction has read and may use again without asking PostgreSQL: the owner's
/// settings, and the rows an update's first statement fetched together with its update-log row
/// (the chat's conversation, the staff member or guest writing, the settings and the running
/// campaigns).
///
/// The settings are read once per transaction: every statement after the first would only ask
/// again for rows this transaction never writes, and one update computing with one set of rules
/// is more consistent than re-reading (at read committed, each statement sees the latest commit).
/// A conversation fetched ahead stays known: the transaction's own writes of it keep the memo
/// current. A staff member or guest fetched ahead is handed out once; a later read asks PostgreSQL.
final class TransactionMemo: Sendable {
    private struct State {
        var settings: LoyaltySettings?
        var runningCampaigns: String?
        var conversations: [ConversationKey: String?] = [:]
        var staffMembers: [Int64: StaffMember?] = [:]
        var guests: [Int64: Customer?] = [:]
    }

    struct ConversationKey: Hashable {
        var bot: OutboxStore.Bot
        var chatID: Int64
    }

    private let state = Mutex(State())

    var settings: LoyaltySettings? {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue } }
    }

    /// The running campaigns as the update's first statement fetched them (JSON), like the
    /// settings: no bot update changes a campaign.
    var runningCampaigns: String? {
        get { state.withLock { $0.runningCampaigns } }
        set { state.withLock { $0.runningCampaigns = newValue } }
    }

    /// Keeps a conversation's stored JSON as this transaction last read or wrote it (nil: the
    /// chat has none).
    func remember(conversation data: String?, bot: OutboxStore.Bot, chatID: Int64) {
        state.withLock { $0.conversations[ConversationKey(bot: bot, chatID: chatID)] = .some(data) }
    }

    /// The conversation as this transaction knows it; `.none` when it was never fetched.
    func conversation(bot: OutboxStore.Bot, chatID: Int64) -> String?? {
        state.withLock { $0.conversations[ConversationKey(bot: bot, chatID: chatID)] }
    }

    /// Keeps the staff member fetched ahead for the first read of it.
    func remember(staffMember member: StaffMember?, telegramID: Int64) {
        state.withLock { $0.staffMembers[telegramID] = .some(member) }
    }

    /// The staff member fetched ahead, once; `.none` when none was fetched or it was used.
    func takeStaffMember(telegramID: Int64) -> StaffMember?? {
        state.withLock { $0.staffMembers.removeValue(forKey: telegramID) }
    }

    /// Keeps the guest fetched ahead (nil: no registered guest) for the first read of them.
    func remember(guest: Customer?, telegramID: Int64) {
        state.withLock { $0.guests[telegramID] = .some(guest) }
    }

    /// The guest fetched ahead, once; `.none` when none was fetched or it was used. Handed out
    /// once, like a staff member: the update's first read comes before any write of the guest.
    func takeGuest(telegramID: Int64) -> Customer?? {
        state.withLock { $0.guests.removeValue(forKey: telegramID) }
    }
}
