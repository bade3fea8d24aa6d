import Crypto
import Foundation
import Logging
import PostgresNIO

/// A partner's API key as a request sees it once authenticated.
public struct APIKey: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var prefix: String
    public var scopes: Set<String>
    /// Where its sales are booked.
    public var locationID: Int64
    /// Whether it reaches every location's orders and guests; otherwise only its own location's.
    public var chainWide: Bool = false
    public var revoked: Bool

    /// The location the key is confined to; nil for a chain-wide key.
    public var reach: Int64? { chainWide ? nil : locationID }

    /// Spending points or gifts without the guest's code, for a till that identified the guest
    /// some other way. Off unless given.
    public static let redeemWithoutCode = "orders:redeem-without-code"
}

/// Partner API keys: created with a secret shown once, stored as SHA-256, revocable.
public struct APIKeyStore: Sendable {
    public static let scopes: Set<String> = [
        "customers:read", "customers:write", "codes:write", "orders:read", "orders:write",
        "feedback:write", "gifts:read", "gifts:write", "analytics:read", "webhooks:read", "campaigns:read", APIKey.redeemWithoutCode,
    ]

    let database: Database
    let logger: Logger
    /// This instance's reserve of the keys' rate-limit hits; the admission keeps one for the app's life.
    let reservedHits: ReservedHits

    public init(database: Database, logger: Logger, reservedHits: ReservedHits = ReservedHits()) {
        self.database = database
        self.logger = logger
        self.reservedHits = reservedHits
    }

    /// Stores a new key made of `prefix` and `secret`; returns the full key to show once.
    public func create(
        name: String, scopes: Set<String>, locationSlug: String, chainWide: Bool = false, prefix: String, secret: String,
        createdBy: String, requestID: String? = nil, at now: Date
    ) async throws -> (id: Int64, key: String)? {
        let key = "\(prefix)_\(secret)"
        let actor = Actor(createdBy: createdBy)
        let id = try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH created AS (
                    INSERT INTO api_keys (name, prefix, secret_hash, scopes, location_id, chain_wide, created_by, created_at)
                    SELECT \(name), \(prefix), \(Self.hash(key)), \(scopes.sorted()), id, \(chainWide), \(createdBy), \(now)
                    FROM locations WHERE slug = \(locationSlug) AND archived_at IS NULL
                    RETURNING id, name, prefix, scopes, location_id, chain_wide
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, request_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'api_key.created', 'api_key', id::text, \(requestID),
                           jsonb_build_object('name', name, 'prefix', prefix, 'scopes', scopes, 'location_id', location_id, 'chain_wide', chain_wide)
                    FROM created
                )
                SELECT id FROM created
                """,
                logger: logger
            ).collect().first?.decode(Int64.self)
        }
        return id.map { ($0, key) }
    }

    /// A per-key limit: requests a minute, named by its setting, with a fallback when unset.
    public struct Limit: Sendable, Equatable {
        public var setting: String
        public var fallback: Int

        public init(setting: String, fallback: Int) {
            self.setting = setting
            self.fallback = fallback
        }
    }

    /// A request's key, and whether it went over one of its per-minute limits.
    public struct Admission: Sendable, Equatable {
        public var key: APIKey
        /// Seconds until the current minute's window ends, when a limit was exceeded.
        public var retryAfter: TimeInterval?
        /// What an earlier request with the same `Idempotency-Key` left, when one was asked about.
        public var earlier: IdempotencyStore.Record?
    }

    /// Authenticates a bearer token and counts the request against each of `limits` (two at most),
    /// in one round trip. A hit comes from this instance's reserve when it has one (no write), or
    /// with a block reserved from the counters in PostgreSQL, so the limits hold across instances
    /// (`ReservedHits` says how closely). Nil for an unknown key; a revoked key is returned (and not
    /// counted) so the caller can refuse it. With `idempotencyKey`, the same round trip reads what an
    /// earlier request with that key left.
    public func admit(_ token: String, limits: [Limit], idempotencyKey: String? = nil, at now: Date) async throws -> Admission? {
        let window: TimeInterval = 60
        let windowStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / window).rounded(.down) * window)
        let secretHash = Self.hash(token)
        let slots = limits.map { ReservedHits.Slot(token: secretHash, setting: $0.setting, windowStart: windowStart) }
        let claims = reservedHits.claim(slots, windowStart: windowStart)
        let statement = AdmitRequest(
            secretHash: secretHash, now: now, windowStart: windowStart, limits: limits, blocks: claims.map(\.block),
            idempotencyKey: idempotencyKey)
        let row = try await database.withConnection(logger: logger) { connection in
            try await connection.run(statement, logger: logger).first(where: { _ in true })
        }
        guard let admitted = row else { return nil }
        var withinLimits = true
        for (index, claim) in claims.enumerated() {
            guard case .reserve(let block) = claim, let (counted, maximum) = admitted.counters[index] else { continue }
            if !reservedHits.reserved(block, for: slots[index], counted: counted, maximum: maximum) { withinLimits = false }
        }
        let retryAfter = withinLimits ? nil : max(1, windowStart.addingTimeInterval(window).timeIntervalSince(now).rounded(.up))
        return Admission(key: admitted.key, retryAfter: retryAfter, earlier: admitted.earlier)
    }

    public struct Listed: Sendable {
        public var id: Int64
        public var name: String
        public var prefix: String
        public var scopes: [String]
        /// The location its sales are booked at.
        public var location: String
        public var chainWide: Bool
        public var createdAt: Date
        public var lastUsedAt: Date?
        public var revokedAt: Date?
    }

    public func list() async throws -> [Listed] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT k.id, k.name, k.prefix, k.scopes, l.name, k.chain_wide, k.created_at, k.last_used_at, k.revoked_at
                FROM api_keys k JOIN locations l ON l.id = k.location_id ORDER BY k.id
                """,
                logger: logger
            )
            var keys: [Listed] = []
            for try await (id, name, prefix, scopes, location, chainWide, createdAt, lastUsedAt, revokedAt) in rows.decode(
                (Int64, String, String, [String], String, Bool, Date, Date?, Date?).self
            ) {
                keys.append(
                    Listed(
                        id: id, name: name, prefix: prefix, scopes: scopes, location: location, chainWide: chainWide, createdAt: createdAt,
                        lastUsedAt: lastUsedAt,
                        revokedAt: revokedAt
                    ))
            }
            return keys
        }
    }

    /// Revokes by prefix; false when no active key has it.
    public func revoke(prefix: String, by actor: String, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH revoked AS (
                    UPDATE api_keys SET revoked_at = \(now) WHERE prefix = \(prefix) AND revoked_at IS NULL RETURNING id
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id)
                SELECT \(now), 'admin', \(actor), 'api_key.revoked', 'api_key', id::text FROM revoked
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}

/// Finds the key by its hash, marks it used (at most once a minute), and reserves a block of hits
/// from its rate-limit counters for the current window where the request asks for one (a block of
/// 0 writes nothing), answering each counter's value after it and the limit's setting.
struct AdmitRequest: PostgresPreparedStatement {
    static let sql = """
        WITH found AS (
            SELECT id, name, prefix, scopes, location_id, chain_wide, revoked_at IS NOT NULL AS revoked
            FROM api_keys WHERE secret_hash = $1
        ), touched AS (
            UPDATE api_keys SET last_used_at = $2
            WHERE id = (SELECT id FROM found WHERE NOT revoked) AND (last_used_at IS NULL OR last_used_at < $2 - interval '1 minute')
        ), bucket AS (
            SELECT limits.position, 'api:' || found.id || ':' || limits.setting AS key, limits.block,
                   coalesce((SELECT (value #>> '{}')::bigint FROM settings WHERE settings.key = limits.setting), limits.fallback) AS maximum
            FROM found, (VALUES (1, $4, $5, $9), (2, $6, $7, $10)) AS limits (position, setting, fallback, block)
            WHERE NOT found.revoked AND limits.setting IS NOT NULL AND limits.block > 0
        ), bumped AS (
            INSERT INTO rate_limit_counters (key, window_start, hits)
            SELECT key, $3, block FROM bucket
            ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + excluded.hits
            RETURNING key, hits
        )
        SELECT found.id, found.name, found.prefix, found.scopes, found.location_id, found.chain_wide, found.revoked,
               (SELECT bumped.hits FROM bucket JOIN bumped USING (key) WHERE bucket.position = 1),
               (SELECT bucket.maximum FROM bucket WHERE bucket.position = 1),
               (SELECT bumped.hits FROM bucket JOIN bumped USING (key) WHERE bucket.position = 2),
               (SELECT bucket.maximum FROM bucket WHERE bucket.position = 2),
               earlier.request_hash, earlier.status_code, earlier.response_body
        FROM found
        LEFT JOIN idempotency_records earlier ON earlier.api_key_id = found.id AND earlier.key = $8 AND earlier.expires_at > $2
        """
    // Two limits at most, as separate parameters rather than arrays: PostgreSQL then settles on
    // one generic plan instead of planning every request again.
    static let bindingDataTypes: [PostgresDataType] = [
        .bytea, .timestamptz, .timestamptz, .text, .int8, .text, .int8, .text, .int8, .int8,
    ]

    struct Admitted {
        var key: APIKey
        /// Per limit, the counter after the block this request reserved and the limit; nil where
        /// it reserved none.
        var counters: [(counted: Int, maximum: Int)?]
        var earlier: IdempotencyStore.Record?
    }

    var secretHash: Data
    var now: Date
    var windowStart: Date
    var limits: [APIKeyStore.Limit]
    /// Hits to reserve per limit; 0 where the instance's reserve had one.
    var blocks: [Int]
    var idempotencyKey: String?

    func makeBindings() throws -> PostgresBindings {
        precondition(limits.count <= 2 && blocks.count == limits.count, "a request counts against two limits at most")
        var bindings = PostgresBindings(capacity: 10)
        try bindings.append(secretHash)
        bindings.append(now)
        bindings.append(windowStart)
        for index in 0..<2 {
            bindings.append(limits.indices.contains(index) ? limits[index].setting : nil)
            bindings.append(limits.indices.contains(index) ? Int64(limits[index].fallback) : nil)
        }
        bindings.append(idempotencyKey)
        for index in 0..<2 {
            bindings.append(Int64(blocks.indices.contains(index) ? blocks[index] : 0))
        }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Admitted {
        let (
            id, name, prefix, scopes, location, chainWide, revoked, firstCounted, firstMaximum, secondCounted, secondMaximum, requestHash,
            status, body
        ) = try row.decode((Int64, String, String, [String], Int64, Bool, Bool, Int?, Int?, Int?, Int?, Data?, Int?, Data?).self)
        let key = APIKey(
            id: id, name: name, prefix: prefix, scopes: Set(scopes), locationID: location, chainWide: chainWide, revoked: revoked)
        let counters = [(firstCounted, firstMaximum), (secondCounted, secondMaximum)].map { counted, maximum in
            counted.flatMap { counted in maximum.map { (counted: counted, maximum: $0) } }
        }
        return Admitted(
            key: key, counters: counters, earlier: requestHash.map { IdempotencyStore.Record(requestHash: $0, status: status, body: body) })
    }
}
