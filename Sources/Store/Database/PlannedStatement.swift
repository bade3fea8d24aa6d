import PostgresNIO

/// A statement PostgreSQL parses and plans once per connection instead of on every call. A
/// statement sent as text is planned each time; for the short reads and writes of a bot update,
/// `pg_stat_statements` showed planning costing more than running (0.10–0.19 ms of plan against
/// 0.01–0.08 ms of execution). Rows come back undecoded, for the caller to read.
protocol PlannedStatement: PostgresPreparedStatement where Row == PostgresRow {
    static var parameters: StatementParameters<Self> { get }
}

extension PlannedStatement {
    static var bindingDataTypes: [PostgresDataType] { parameters.dataTypes }

    func makeBindings() throws -> PostgresBindings { try Self.parameters.bindings(for: self) }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
