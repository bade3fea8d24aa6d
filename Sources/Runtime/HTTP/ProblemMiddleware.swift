import Hummingbird
import NIOCore
import Store

/// Turns every error into a problem+json response: never an HTML page, never a stack trace.
/// Unknown errors are logged with the request id and answered with a generic 500.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response(requestID: context.requestID)
        } catch let error as HTTPError {
            return Self.problem(for: error, request: request).response(requestID: context.requestID)
        } catch is NIOTooManyBytesError {
            // A body past a route's limit (`collect(upTo:)`): the client's mistake, said so.
            return Self.problem(
                for: HTTPError(.contentTooLarge, message: "The request body is larger than this route accepts."), request: request
            )
            .response(requestID: context.requestID)
        } catch  where error.isConnectionFailure {
            context.logger.warning("database unreachable", metadata: ["error": "\(LoggedError.describe(error))"])
            return Problem.databaseUnavailable.response(requestID: context.requestID)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(LoggedError.describe(error))"])
            return Problem.internalError.response(requestID: context.requestID)
        }
    }

    static func problem(for error: HTTPError, request: Request) -> Problem {
        switch error.status {
        case .notFound:
            return .notFound("Nothing is served at \(request.method.rawValue) \(request.uri.path).")
        case .methodNotAllowed:
            return Problem(status: .methodNotAllowed, code: "method_not_allowed", title: "Method not allowed", detail: error.body)
        case .contentTooLarge:
            return Problem(status: .contentTooLarge, code: "payload_too_large", title: "Request body too large", detail: error.body)
        case .badRequest:
            return Problem(status: .badRequest, code: "bad_request", title: "Bad request", detail: error.body)
        default:
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            return Problem(status: error.status, code: code, title: error.status.reasonPhrase, detail: error.body)
        }
    }
}
