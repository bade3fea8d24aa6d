import PostgresNIO
import Testing

@testable import Store

@Suite struct StatementParametersTests {
    struct Example {
        var id: Int64
        var name: String?
    }

    let parameters = StatementParameters<Example>([
        .init("id", .int8) { $0.id },
        .init("name", .text) { $0.name },
    ])

    @Test func namesBecomePositionsAndCastsStayCasts() {
        let sql = parameters.sql("SELECT :id::bigint, :name, ':' || :name::text WHERE id = :id")
        #expect(sql == "SELECT $1::bigint, $2, ':' || $2::text WHERE id = $1")
        #expect(parameters.dataTypes == [.int8, .text])
    }

    @Test func valuesAreBoundInTheListsOrder() throws {
        let bindings = try parameters.bindings(for: Example(id: 7, name: nil))
        #expect(bindings.count == 2)
    }

    @Test func theSaleStatementBindsEveryNameItUses() {
        #expect(!WriteSale.sql.contains(":customer_id"))
        #expect(WriteSale.bindingDataTypes.count == WriteSale.parameters.parameters.count)
    }
}
