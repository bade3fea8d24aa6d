import PostgresNIO

/// Rows read by column name, so a result type says which column each field comes from and
/// reordering a SELECT cannot shift a value into the wrong field.
struct Columns {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    /// Whether the row has `column` (a SELECT that some callers widen).
    func has(_ column: String) -> Bool { row.contains(column) }

    func callAsFunction<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        try row[column].decode(Value.self)
    }
}
