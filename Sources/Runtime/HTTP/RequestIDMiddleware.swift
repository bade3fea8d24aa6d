import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    public static let requestID = Self("X-Request-Id")!
}

/// Gives every request an id: the one nginx sent when it is well-formed, otherwise a new one.
/// The id goes into every log line of the request and back to the caller as `X-Request-Id`.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let random: RandomSource

    public init(random: RandomSource) {
        self.random = random
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[.requestID].flatMap(Self.acceptable) ?? random.hexString(byteCount: 8)
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    /// Accept only short ids of safe characters, so a caller cannot inject into logs.
    static func acceptable(_ candidate: String) -> String? {
        guard (8...64).contains(candidate.count),
            candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else { return nil }
        return candidate
    }
}
