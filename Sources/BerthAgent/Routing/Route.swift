import NIOHTTP1

/// Answers one request. Runs on a Swift concurrency task, not on an event loop.
public typealias RequestHandler = @Sendable (Request) async throws -> Response

/// One entry of the route table: a method, a path pattern and its handler.
struct Route: Sendable {
    let method: HTTPMethod
    let pattern: PathPattern
    let handler: RequestHandler
}
