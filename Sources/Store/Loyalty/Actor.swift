/// Who did something: every change to money, points or gifts records one.
public struct Actor: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case admin, staff, apiKey = "api_key", customer, system
    }

    public var kind: Kind
    public var id: String
    /// Staff members act at their location and may cancel only their own recent sales.
    public var staffRole: StaffRole?
    public var locationID: Int64?

    public enum StaffRole: String, Sendable {
        case barista, manager
    }

    public init(kind: Kind, id: String, staffRole: StaffRole? = nil, locationID: Int64? = nil) {
        self.kind = kind
        self.id = id
        self.staffRole = staffRole
        self.locationID = locationID
    }

    public static func staff(id: Int64, role: StaffRole, locationID: Int64) -> Actor {
        Actor(kind: .staff, id: String(id), staffRole: role, locationID: locationID)
    }

    /// An admin; one bound to a location acts for that location only.
    public static func admin(id: String, locationID: Int64? = nil) -> Actor { Actor(kind: .admin, id: id, locationID: locationID) }
    public static func apiKey(id: String, locationID: Int64? = nil) -> Actor { Actor(kind: .apiKey, id: id, locationID: locationID) }
    public static let system = Actor(kind: .system, id: "system")

    var staffID: Int64? { kind == .staff ? Int64(id) : nil }

    /// Who a `created_by` column names: `admin:<id>` is that admin, anything else (`cli`,
    /// `playground`) the system acting for it.
    init(createdBy: String) {
        if createdBy.hasPrefix("admin:") {
            self.init(kind: .admin, id: String(createdBy.dropFirst("admin:".count)))
        } else {
            self.init(kind: .system, id: createdBy)
        }
    }
}
