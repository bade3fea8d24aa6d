import Foundation
import PostgresNIO

/// One parameter of a prepared statement: the name the SQL uses for it (`:name`), its type, and
/// the value it takes from the statement, declared together so they cannot drift apart.
struct StatementParameter<Statement>: Sendable {
    let name: String
    let type: PostgresDataType
    let bind: @Sendable (Statement, inout PostgresBindings) throws -> Void

    init<Value: PostgresThrowingDynamicTypeEncodable>(
        _ name: String, _ type: PostgresDataType, _ value: @escaping @Sendable (Statement) -> Value
    ) {
        self.name = name
        self.type = type
        self.bind = { statement, bindings in try bindings.append(value(statement)) }
    }

    init<Value: PostgresThrowingDynamicTypeEncodable>(
        _ name: String, _ type: PostgresDataType, _ value: @escaping @Sendable (Statement) -> Value?
    ) {
        self.name = name
        self.type = type
        self.bind = { statement, bindings in try bindings.append(value(statement)) }
    }
}

/// A prepared statement's parameters by name: the SQL is written with `:name`, which becomes
/// `$n` once, when the statement type is first used; binding follows the same list. (A `:word`
/// inside a string literal would be read as a name too: pass such text as a parameter.)
struct StatementParameters<Statement>: Sendable {
    let parameters: [StatementParameter<Statement>]

    init(_ parameters: [StatementParameter<Statement>]) {
        self.parameters = parameters
    }

    var dataTypes: [PostgresDataType] { parameters.map(\.type) }

    /// `template` with each `:name` replaced by its position; a name not in the list is a
    /// programming error and stops the process at the statement's first use.
    func sql(_ template: String) -> String {
        let positions = Dictionary(uniqueKeysWithValues: parameters.enumerated().map { ($1.name, $0 + 1) })
        var sql = ""
        var rest = Substring(template)
        while let colon = rest.firstIndex(of: ":") {
            sql += rest[..<colon]
            let afterColon = rest.index(after: colon)
            // `::type` is a cast, not a parameter.
            if afterColon < rest.endIndex, rest[afterColon] == ":" {
                sql += "::"
                rest = rest[rest.index(after: afterColon)...]
                continue
            }
            let name = rest[afterColon...].prefix { $0.isLetter || $0 == "_" }
            guard !name.isEmpty else {
                sql += ":"
                rest = rest[afterColon...]
                continue
            }
            guard let position = positions[String(name)] else { preconditionFailure("no parameter :\(name) in \(Statement.self)") }
            sql += "$\(position)"
            rest = rest[name.endIndex...]
        }
        return sql + rest
    }

    func bindings(for statement: Statement) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: parameters.count)
        for parameter in parameters { try parameter.bind(statement, &bindings) }
        return bindings
    }
}
