/// Why the schema cannot be brought to, or trusted at, the version this build expects.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case bundleMissing
    case badFileName(String)
    case duplicateVersion(String, String)
    /// An applied migration's file changed after it ran: the database no longer matches the code.
    case edited(name: String)
    /// Migrations this build ships that the database has not run yet.
    case pending(names: [String])

    public var description: String {
        switch self {
        case .bundleMissing:
            return "the migrations folder is missing from the build (Store resources)"
        case .badFileName(let file):
            return "migration file \(file) must be named NNNN_description.sql"
        case .duplicateVersion(let first, let second):
            return "migrations \(first) and \(second) share a version number"
        case .edited(let name):
            return "migration \(name) was edited after it was applied; restore the original file and add a new migration instead"
        case .pending(let names):
            return
                "the database has unapplied migrations (\(names.joined(separator: ", "))); run `crema migrate` or start with `crema serve --migrate`"
        }
    }
}
