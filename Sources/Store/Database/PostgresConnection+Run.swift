import Logging
import PostgresNIO

extension PostgresConnection {
    /// Sends one statement, or throws `ConnectionClosed` when the connection has already closed.
    ///
    /// Every store statement goes through here rather than `query`: PostgresNIO hands a statement
    /// written to a closed connection to a pipeline that no longer has its handler, and the write
    /// is dropped without an answer, so the caller would wait forever. That happens whenever
    /// PostgreSQL ends a session between two statements of one command (a restart, a terminated
    /// backend). The check and the write run on the connection's own event loop, as one step, so
    /// no close can slip in between. (A write from another thread is handed to the loop anyway,
    /// so this costs no extra hop; the command's own code stays off the loop.)
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) {
            guard !isClosed else { throw ConnectionClosed() }
            return try await self.query(query, logger: logger, file: file, line: line)
        }
    }

    /// Runs a prepared statement, with the same closed-connection guard as `run(_:logger:)`.
    ///
    /// PostgresNIO remembers a failed preparation for the connection's lifetime and answers every
    /// later use of that statement with the same error. A preparation fails when the statement's
    /// tables are not as it expects (class 42) or when it is the first statement sent after an
    /// earlier one failed in the same transaction (25P02); the connection is closed then, so the
    /// pool opens a fresh one instead of lending a connection that can no longer run it.
    @discardableResult
    func run<Statement: PostgresPreparedStatement, Row>(
        _ statement: Statement, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Row> where Row == Statement.Row {
        try await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) {
            guard !isClosed else { throw ConnectionClosed() }
            do {
                return try await execute(statement, logger: logger, file: file, line: line)
            } catch let error as PSQLError where error.mayHaveSpoiledPreparation {
                logger.warning(
                    "a prepared statement failed; closing the connection",
                    metadata: ["statement": "\(Statement.name)", "sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
                try? await close()
                throw error
            }
        }
    }
}

extension PSQLError {
    /// A server error that may have come from preparing a statement rather than from its values.
    fileprivate var mayHaveSpoiledPreparation: Bool {
        guard let state = serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("42") || state == "25P02"
    }
}
