import Hummingbird
import Logging
import Runtime
import Store

/// How `crema serve` treats the schema on start.
public enum SchemaPolicy: Sendable {
    /// Refuse to start unless every bundled migration is applied (the default).
    case requireCurrent
    /// Apply pending migrations first (`crema serve --migrate`).
    case migrate
}

/// Builds the whole app: routes, middleware, and the PostgreSQL client as a service that starts
/// before and stops after the HTTP server. `crema serve` and every test call this same function.
public func buildApplication(
    configuration: AppConfiguration,
    dependencies: AppDependencies,
    schemaPolicy: SchemaPolicy = .requireCurrent
) -> some ApplicationProtocol {
    let router = buildRouter(dependencies: dependencies)
    var app = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: nil
        ),
        services: [dependencies.database.client],
        logger: dependencies.logger
    )
    app.beforeServerStarts {
        let logger = dependencies.logger
        switch schemaPolicy {
        case .migrate:
            try await dependencies.migrator.migrate(on: dependencies.database, logger: logger)
        case .requireCurrent:
            try await dependencies.migrator.verify(on: dependencies.database, logger: logger)
        }
    }
    return app
}

func buildRouter(dependencies: AppDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware(random: dependencies.random))
    router.add(middleware: RequestObservationMiddleware(metrics: dependencies.metrics))
    router.add(middleware: ProblemMiddleware())

    RuntimeController(
        readiness: ReadinessProbe(database: dependencies.database, migrator: dependencies.migrator),
        metrics: dependencies.metrics
    ).addRoutes(to: router)
    return router
}
