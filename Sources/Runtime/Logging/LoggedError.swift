import PostgresNIO

/// An error as a log line may show it. PostgreSQL's own description of a failed statement can
/// carry the failing row ("Failing row contains (…, +7999…, Мария …)"), so a database error is
/// logged by its SQLSTATE, constraint and table, never verbatim; other errors by their type and
/// description.
public enum LoggedError {
    public static func describe(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            let inner = transaction.closureError ?? transaction.beginError
            return "PostgresTransactionError: " + (inner.map(describe) ?? "commit or rollback failed")
        }
        if let psql = error as? PSQLError {
            var parts = ["PSQLError", "code=\(psql.code)"]
            if let state = psql.serverInfo?[.sqlState] { parts.append("sqlstate=\(state)") }
            if let constraint = psql.serverInfo?[.constraintName] { parts.append("constraint=\(constraint)") }
            if let table = psql.serverInfo?[.tableName] { parts.append("table=\(table)") }
            return parts.joined(separator: " ")
        }
        return "\(type(of: error)): \(error)"
    }
}
