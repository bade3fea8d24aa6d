/// A v1 barista as Crema's staff member: a manager when v1 made them an admin.
public struct ImportedStaff: Sendable, Equatable {
    public var sourceID: Int64
    public var telegramID: Int64
    public var displayName: String
    public var isManager: Bool
    public var active: Bool

    public var source: String { ImportSource.v1("baristas", sourceID) }
}

public enum StaffVetting {
    public static func vet(_ barista: V1.Barista) -> Result<ImportedStaff, ImportRefusal> {
        let rawID = barista.telegramID.trimmingWhitespace()
        guard rawID.allSatisfy(\.isASCIIDigit), let telegramID = Int64(rawID), telegramID > 0 else {
            return .failure(ImportRefusal("baristas", barista.id, "Telegram id \"\(barista.telegramID)\" is not a number"))
        }
        let name = [barista.firstName, barista.lastName].compactMap { $0?.trimmingWhitespace() }.filter { !$0.isEmpty }
            .joined(separator: " ")
        return .success(
            ImportedStaff(
                sourceID: barista.id, telegramID: telegramID,
                displayName: name.isEmpty ? "Barista \(barista.id)" : String(name.prefix(200)),
                isManager: barista.isAdmin, active: barista.isActive != false
            ))
    }
}
