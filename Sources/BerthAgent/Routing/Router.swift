import Logging
import NIOHTTP1

/// The route table of the Engine API: method + path pattern → handler.
///
/// The router strips and checks the `/v1.NN` prefix, finds the most specific route, runs its handler, and turns
/// every thrown error into a response through ``APIError``. `HEAD` falls back to the `GET` route.
public struct Router: Sendable {
    private var routes: [Route] = []

    public init() {}

    /// Adds a route. Later routes with the same method and pattern replace earlier ones.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping RequestHandler) {
        let route = Route(method: method, pattern: PathPattern(pattern), handler: handler)
        routes.removeAll { $0.method == method && $0.pattern == route.pattern }
        routes.append(route)
        routes.sort { $0.pattern.specificity.lexicographicallyPrecedes($1.pattern.specificity) }
    }

    public mutating func get(_ pattern: String, _ handler: @escaping RequestHandler) { add(.GET, pattern, handler) }
    public mutating func head(_ pattern: String, _ handler: @escaping RequestHandler) { add(.HEAD, pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping RequestHandler) { add(.POST, pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping RequestHandler) { add(.PUT, pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping RequestHandler) { add(.DELETE, pattern, handler) }

    /// The outcome of looking a request up.
    enum Resolution {
        case matched(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [HTTPMethod])
        case notFound
    }

    /// Finds the route for `method` and the unversioned `path`.
    func resolve(_ method: HTTPMethod, _ path: String) -> Resolution {
        let segments = PathPattern.segments(of: path)
        var allowed: [HTTPMethod] = []
        var getFallback: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            if route.method == method { return .matched(route, parameters: parameters) }
            if method == .HEAD, route.method == .GET, getFallback == nil { getFallback = (route, parameters) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = getFallback { return .matched(route, parameters: parameters) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// Answers `request`. Never throws: failures become error responses.
    public func respond(to request: Request) async -> Response {
        var request = request
        let (version, path) = VersionPrefix.split(request.path)
        switch resolve(request.method, path) {
        case .notFound:
            return .error(RoutingError.pageNotFound.apiError)
        case .methodNotAllowed(let allowed):
            var headers = HTTPHeaders()
            headers.add(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            return .message(.methodNotAllowed, "method \(request.method.rawValue) not allowed on \(path)",
                            headers: headers)
        case .matched(let route, let parameters):
            if let version {
                if version < AgentBuild.minimumAPIVersion { return .error(RoutingError.versionTooOld(version).apiError) }
                if version > AgentBuild.apiVersion { return .error(RoutingError.versionTooNew(version).apiError) }
            }
            request.apiVersion = version ?? AgentBuild.apiVersion
            request.path = path
            request.pathParameters = parameters
            request.logger[metadataKey: "route"] = "\(route.pattern)"
            do {
                return try await route.handler(request)
            } catch {
                let apiError = APIError(from: error)
                let level: Logger.Level = apiError.httpStatus >= 500 ? .error : .debug
                request.logger.log(level: level, "handler failed", metadata: [
                    "error": "\(apiError.message)", "status": "\(apiError.httpStatus)",
                ])
                return .error(apiError)
            }
        }
    }
}
