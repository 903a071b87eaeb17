import NIOCore
import NIOHTTP1

/// What a handler answers: a status, headers and a ``Body``.
///
/// The connection adds the headers every response carries (see ``StandardHeaders``) and the framing
/// (`Content-Length`, chunked encoding, or none for hijacked streams).
public struct Response: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: Body

    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
