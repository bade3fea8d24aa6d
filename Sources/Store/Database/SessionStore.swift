import Logging

/// A store whose statements run in an `SQLSession`: the pool's (`Store.pool`) or one
/// transaction's (`Store.transaction`). Stores are made only by `StoreTransaction`.
protocol SessionStore: Sendable {
    var session: SQLSession { get }
}

extension SessionStore {
    var logger: Logger { session.logger }
}
