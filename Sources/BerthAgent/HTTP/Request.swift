import Logging
import NIOCore
import NIOHTTP1

/// One HTTP request as a handler sees it: the body fully received, the `/v1.NN` prefix stripped.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The HTTP version the client spoke.
    public var version: HTTPVersion
    /// The request target exactly as received, e.g. `/v1.47/containers/json?all=1`.
    public var target: String
    /// The path without query and without the version prefix, still percent-encoded, e.g. `/containers/json`.
    public var path: String
    public var query: QueryParameters
    public var headers: HTTPHeaders
    public var body: ByteBuffer
    /// Values of the `{name}` segments of the matched route, percent-decoded.
    public var pathParameters: [String: String]
    /// The API version from the prefix, or ``AgentBuild/apiVersion`` for unversioned paths.
    public var apiVersion: APIVersion
    /// Which listener the request arrived on and from where.
    public var connection: ConnectionInfo
    /// Whether the client is still connected.
    public var client: ClientPresence
    /// A logger carrying this request's metadata.
    public var logger: Logger

    public init(method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
                body: ByteBuffer = ByteBuffer(), connection: ConnectionInfo = .init(transport: .unix, peer: nil),
                client: ClientPresence = ClientPresence(), logger: Logger = Logger(label: "berthd.request")) {
        self.method = method
        self.version = version
        self.target = target
        let (path, query) = Self.split(target: target)
        self.path = path
        self.query = QueryParameters(query)
        self.headers = headers
        self.body = body
        self.pathParameters = [:]
        self.apiVersion = AgentBuild.apiVersion
        self.connection = connection
        self.client = client
        self.logger = logger
    }

    /// The value of the route's `{name}` segment.
    /// - Throws: `APIError.internal` when the route has no such parameter (a routing table bug).
    public func parameter(_ name: String) throws -> String {
        guard let value = pathParameters[name] else {
            throw APIError.internal("route \(path) has no parameter \(name)")
        }
        return value
    }

    /// Splits `/a/b?x=1#frag` into `/a/b` and `x=1`. An absolute-form target keeps only its path.
    private static func split(target: String) -> (path: String, query: Substring) {
        var rest = Substring(target)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if !rest.hasPrefix("/"), let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            let authority = rest[rest.index(colon, offsetBy: 3)...]
            rest = authority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { authority[$0...] } ?? "/"
        }
        guard let question = rest.firstIndex(of: "?") else { return (String(rest), "") }
        return (String(rest[..<question]), rest[rest.index(after: question)...])
    }
}
