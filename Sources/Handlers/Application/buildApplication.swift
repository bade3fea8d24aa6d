import Hummingbird
import Logging
import Runtime
import ServiceLifecycle
import Store

/// How `crema serve` treats the schema on start.
public enum SchemaPolicy: Sendable {
    /// Refuse to start unless every bundled migration is applied (the default).
    case requireCurrent
    /// Apply pending migrations first (`crema serve --migrate`).
    case migrate
}

/// Builds the whole app: routes, middleware, the PostgreSQL client as a service that starts
/// before and stops after the HTTP server, and the background jobs (outbox senders, clean-up).
/// `crema serve` and every test call this same function.
public func buildApplication(
    configuration: AppConfiguration,
    dependencies: AppDependencies,
    schemaPolicy: SchemaPolicy = .requireCurrent
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration: configuration, dependencies: dependencies)
    let schemaChecked = StartGate()
    var services: [any Service] = [dependencies.database.client]
    if configuration.backgroundJobsEnabled {
        services += BackgroundJobs(configuration: configuration, dependencies: dependencies, gate: schemaChecked).services
    }
    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: nil
        ),
        services: services,
        logger: dependencies.logger
    )
    app.beforeServerStarts {
        let logger = dependencies.logger
        // Until this decides, the background jobs wait; a failed check tells them not to start.
        defer { schemaChecked.decide(false) }
        switch schemaPolicy {
        case .migrate:
            try await dependencies.migrator.migrate(on: dependencies.database, logger: logger)
        case .requireCurrent:
            try await dependencies.migrator.verify(on: dependencies.database, logger: logger)
        }
        schemaChecked.decide(true)
    }
    return app
}

/// Throws only when the build is broken: the partner API contract or the docs files, which ship
/// as resources beside the binary, cannot be read.
func buildRouter(
    configuration: AppConfiguration, dependencies: AppDependencies, passwordHasher: PasswordHasher = PasswordHasher()
) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware(random: dependencies.random))
    router.add(
        middleware: ClientAddressMiddleware(
            trustedProxies: Set(configuration.trustedProxies), warnsOfUntrustedProxies: configuration.environment == .prod))
    router.add(middleware: RequestObservationMiddleware(metrics: dependencies.metrics))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: APICORSMiddleware(allowedOrigins: Set(configuration.corsAllowedOrigins)))

    RuntimeController(
        readiness: ReadinessProbe(database: dependencies.database, migrator: dependencies.migrator),
        metrics: dependencies.metrics
    ).addRoutes(to: router)

    let telegram = configuration.telegram
    // Asked now, so the first invite links already carry the bot's name.
    let clientUsername = BotUsername(api: telegram.api(for: .client, timeout: .seconds(3)))
    Task { _ = await clientUsername.resolve() }
    let webhooks = TelegramWebhookController(
        routes: [
            .init(
                path: "/telegram/client", secret: telegram.clientWebhookSecret,
                bot: ClientBot(
                    cardAppURL: MiniAppController.url(of: "card", configuration: configuration),
                    username: clientUsername)),
            .init(
                path: "/telegram/staff", secret: telegram.staffWebhookSecret,
                bot: StaffBot(
                    nonce: { [random = dependencies.random] in random.hexString(byteCount: 6) }
                )),
        ],
        store: dependencies.store,
        clock: dependencies.clock
    )
    webhooks.addRoutes(to: router)

    try PartnerAPIController(configuration: configuration, dependencies: dependencies).addRoutes(to: router)
    try AdminController(configuration: configuration, dependencies: dependencies, hasher: passwordHasher).addRoutes(to: router)
    try MiniAppController(
        configuration: configuration, dependencies: dependencies,
        nonce: { [random = dependencies.random] in random.hexString(byteCount: 8) }
    ).addRoutes(to: router)
    if configuration.devPlaygroundEnabled {
        router.add(middleware: LoopbackOnlyMiddleware())
        try DevPlaygroundController(configuration: configuration, dependencies: dependencies, webhooks: webhooks).addRoutes(to: router)
    }
    // Last, so it knows every route and sits inside the problem middleware.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes.map { ("\($0.path)", $0.method.rawValue) }))
    return router
}
