import HTTPTypes
import Hummingbird

/// A path that exists for other methods answers 405 with `Allow` naming them, as HTTP says,
/// instead of the router's 404. Built from the finished router's routes, so it knows them all.
public struct MethodNotAllowedMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// Each route's path split into segments (a capture matches any segment) and its methods.
    let routes: [(segments: [Segment], methods: Set<String>)]

    enum Segment: Equatable {
        case literal(String)
        case any
    }

    public init(routes: [(path: String, method: String)]) {
        var byPath: [String: Set<String>] = [:]
        for route in routes { byPath[route.path, default: []].insert(route.method) }
        self.routes = byPath.map { path, methods in (Self.segments(of: path), methods) }
    }

    static func segments(of path: String) -> [Segment] {
        path.split(separator: "/").map { part in
            part.hasPrefix(":") || part.hasPrefix("{") || part == "*" || part == "**" ? .any : .literal(String(part))
        }
    }

    /// The methods served at `path`, if any route matches it.
    func methods(at path: String) -> Set<String> {
        let parts = path.split(separator: "/").map(String.init)
        var found: Set<String> = []
        for route in routes where route.segments.count == parts.count {
            let matches = zip(route.segments, parts).allSatisfy { segment, part in
                if case .literal(let text) = segment { return text == part }
                return true
            }
            if matches { found.formUnion(route.methods) }
        }
        return found
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = methods(at: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            let list = allowed.sorted().joined(separator: ", ")
            throw Problem(
                status: .methodNotAllowed, code: "method_not_allowed", title: "Method not allowed",
                detail: "\(request.uri.path) answers \(list).", headers: [.allow: list])
        }
    }
}
