import Domain
import Foundation
import Logging
import PostgresNIO
import Runtime
import Store

/// A loyalty engine over a fresh database, with seeded codes and helpers to set up guests and staff.
public struct LoyaltyFixture: Sendable {
    public let store: LoyaltyStore
    public let database: Database
    public let logger = Logger(label: "crema.test.loyalty")
    public let mainLocationID: Int64

    public static func with<Result: Sendable>(_ body: @Sendable (LoyaltyFixture) async throws -> Result) async throws -> Result {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url, maximumConnections: 20) { database in
                let random = RandomSource.seeded(TestDefaults.seed)
                let logger = Logger(label: "crema.test.loyalty")
                let store = LoyaltyStore(database: database, logger: logger) {
                    PaymentCode(number: random.number(in: 0...999_999))
                }
                let location = try await database.withConnection(logger: logger) { connection in
                    try await connection.query("SELECT id FROM locations WHERE slug = 'main'", logger: logger).collect().first?.decode(
                        Int64.self)
                }
                return try await body(
                    LoyaltyFixture(store: store, database: database, mainLocationID: try location.unwrap("main location")))
            }
        }
    }

    /// A fixture over an app's database (webhook tests set up sales and staff through it).
    public static func over(_ database: Database) async throws -> LoyaltyFixture {
        let random = RandomSource.seeded(TestDefaults.seed &+ 1)
        let logger = Logger(label: "crema.test.loyalty")
        let store = LoyaltyStore(database: database, logger: logger) { PaymentCode(number: random.number(in: 0...999_999)) }
        let location = try await database.withConnection(logger: logger) { connection in
            try await connection.query("SELECT id FROM locations WHERE slug = 'main'", logger: logger).collect().first?.decode(Int64.self)
        }
        return LoyaltyFixture(store: store, database: database, mainLocationID: try location.unwrap("main location"))
    }

    /// Registers a guest with a phone derived from their Telegram id.
    public func guest(
        _ telegramID: Int64 = 111_111_111, name: String = "Мария", invitedBy inviteCode: String? = nil
    ) async throws -> Customer {
        try await store.registerCustomer(
            .init(
                telegramID: telegramID, phone: PhoneNumber(normalizing: "+7900\(String(telegramID).suffix(7))")!, firstName: name,
                language: .ru, inviteCode: inviteCode),
            at: TestDefaults.now
        )
    }

    public func staff(_ role: Actor.StaffRole, name: String = "Barista") async throws -> Actor {
        let id = try await database.withConnection(logger: logger) { connection in
            try await connection.query(
                "INSERT INTO staff (display_name, role, location_id) VALUES (\(name), \(role.rawValue), \(mainLocationID)) RETURNING id",
                logger: logger
            ).collect().first?.decode(Int64.self)
        }
        return .staff(id: try id.unwrap("staff id"), role: role, locationID: mainLocationID)
    }

    /// Runs one SQL query returning a single integer (counts in assertions).
    public func count(_ query: PostgresQuery) async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.query(query, logger: logger).collect().first?.decode(Int.self) ?? 0
        }
    }

    /// Runs one SQL query returning a single text (a row described in an assertion).
    public func text(_ query: PostgresQuery) async throws -> String? {
        try await database.withConnection(logger: logger) { connection in
            try await connection.query(query, logger: logger).collect().first?.decode(String?.self)
        }
    }

    public func checkLedger() async throws -> LedgerCheck.Report {
        try await LedgerCheck(database: database, logger: logger).run()
    }

    /// Sells to the guest by a fresh code.
    @discardableResult
    public func sell(
        to customer: Customer, rubles: Int64, redeem: RedeemRequest = .none, by actor: Actor,
        key: String = UUID().uuidString, at now: Date = TestDefaults.now
    ) async throws -> ConfirmedSale {
        let code = try await store.issueCode(customerID: customer.id, at: now).code
        return try await store.confirmSale(
            SaleRequest(idempotencyKey: key, guest: .code(code), amount: .rubles(rubles), redeem: redeem),
            by: actor, locationID: mainLocationID, at: now
        )
    }
}
