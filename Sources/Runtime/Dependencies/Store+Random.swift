import Domain
import Logging
import Store

extension Store {
    /// The stores over `database`, drawing payment codes from `random`.
    public init(database: Database, logger: Logger, random: RandomSource) {
        self.init(database: database, logger: logger, drawCode: { PaymentCode(number: random.number(in: 0...999_999)) })
    }
}
