import Domain
import Foundation

/// Who may do what in the admin panel: owners manage admins and settings, admins run the
/// business, viewers only look.
public enum AdminRole: String, Sendable, CaseIterable, Comparable {
    case viewer, admin, owner

    public static func < (lhs: AdminRole, rhs: AdminRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public struct AdminAccount: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var role: AdminRole
    public var active: Bool
    /// The panel's language for this admin.
    public var language: Language
    /// The one location this admin manages; nil for the whole chain (always so for owners).
    public var locationID: Int64?

    public init(id: Int64, email: String, role: AdminRole, active: Bool, language: Language = .ru, locationID: Int64? = nil) {
        self.id = id
        self.email = email
        self.role = role
        self.active = active
        self.language = language
        self.locationID = locationID
    }
}

/// A signed-in admin: the account and the session's CSRF token.
public struct AdminSession: Sendable, Equatable {
    public var account: AdminAccount
    public var csrfToken: String
    public var createdAt: Date
}
